using System.Reflection;
using System.Security.Cryptography;
using SunspotForecaster.Testing;

namespace SunspotForecaster.Models.Tests.Build;

/// <summary>The build step that lets TorchSharp's native library load on Debian 12 (Directory.Build.targets).</summary>
public class ElfVersionPatcherTests
{
    private const string Glibcxx332 = "GLIBCXX_3.4.32";

    private static readonly string PackageCopy = Path.Combine(
        typeof(ElfVersionPatcherTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TorchSharpPackage").Value!,
        "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static readonly string OutputCopy = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");

    [SkippableFact]
    public void The_copy_in_the_build_output_has_the_requirement_marked_weak_and_the_package_cache_is_untouched()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "libLibTorchSharp.so exists only on Linux.");

        Assert.Equal((true, true), ElfVersionPatcher.Inspect(OutputCopy, Glibcxx332));
        Assert.Equal((true, false), ElfVersionPatcher.Inspect(PackageCopy, Glibcxx332));
    }

    [SkippableFact]
    public void Marking_weak_changes_only_that_flag_and_is_idempotent()
    {
        Skip.IfNot(File.Exists(PackageCopy), "TorchSharp's Linux library is not in the package cache.");
        using var temp = new TemporaryDirectory();
        string copy = Path.Combine(temp.Path, "libLibTorchSharp.so");
        File.Copy(PackageCopy, copy);
        byte[] original = File.ReadAllBytes(copy);

        Assert.Equal(ElfVersionPatchOutcome.Patched, ElfVersionPatcher.MarkWeak(copy, Glibcxx332));
        Assert.Equal(ElfVersionPatchOutcome.AlreadyWeak, ElfVersionPatcher.MarkWeak(copy, Glibcxx332));

        byte[] patched = File.ReadAllBytes(copy);
        int[] changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();
        Assert.Single(changed);
        Assert.Equal(original[changed[0]] | 0x2, patched[changed[0]]);
        Assert.Equal((true, true), ElfVersionPatcher.Inspect(copy, Glibcxx332));
    }

    [SkippableFact]
    public void A_version_that_a_relocation_uses_is_refused_and_an_absent_one_is_left_alone()
    {
        Skip.IfNot(File.Exists(PackageCopy), "TorchSharp's Linux library is not in the package cache.");
        using var temp = new TemporaryDirectory();
        string copy = Path.Combine(temp.Path, "libLibTorchSharp.so");
        File.Copy(PackageCopy, copy);
        byte[] hash = SHA256.HashData(File.ReadAllBytes(copy));

        // GLIBCXX_3.4.30 backs real calls into libstdc++: making it optional would hide a crash.
        var error = Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.MarkWeak(copy, "GLIBCXX_3.4.30"));
        Assert.Contains("used by a relocation", error.Message);
        Assert.Equal(ElfVersionPatchOutcome.NotRequired, ElfVersionPatcher.MarkWeak(copy, "GLIBCXX_9.9.9"));
        Assert.Equal(hash, SHA256.HashData(File.ReadAllBytes(copy)));
    }

    [Fact]
    public void A_file_that_is_not_elf_is_refused()
    {
        using var temp = new TemporaryDirectory();
        string path = Path.Combine(temp.Path, "not-elf.so");
        File.WriteAllText(path, "<html>not a library</html>" + new string(' ', 100));

        Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.MarkWeak(path, Glibcxx332));
    }
}
