// Marks one symbol-version requirement of an ELF shared library as weak (VER_FLG_WEAK), so that
// the dynamic loader accepts a system library that lacks that version. Used at build and publish
// time on the copy of TorchSharp's libLibTorchSharp.so in the output folder (never the NuGet cache):
// it asks for GLIBCXX_3.4.32 (libstdc++ of GCC 13) only for std::ios_base_library_init(), a symbol
// that no relocation uses, while Debian 12 ships GLIBCXX_3.4.30.
//
// Compiled twice: by MSBuild's RoslynCodeTaskFactory (Directory.Build.targets), with the task
// class, and by the tests, with ELF_PATCHER_WITHOUT_MSBUILD defined. The task factory compiles
// against .NET Standard, hence the plain byte arithmetic and no records.
#nullable enable
// The task factory compiles without implicit usings; the test project has them.
#pragma warning disable IDE0005
using System;
using System.Collections.Generic;
using System.IO;
#pragma warning restore IDE0005
using System.Text;

public enum ElfVersionPatchOutcome
{
    /// <summary>The flag was set and the file rewritten.</summary>
    Patched,
    /// <summary>The requirement was already weak; the file was left as it was.</summary>
    AlreadyWeak,
    /// <summary>The library does not ask for that version; the file was left as it was.</summary>
    NotRequired,
}

public static class ElfVersionPatcher
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;
    private const uint ShtRela = 4;
    private const uint ShtRel = 9;
    private const uint ShtDynsym = 11;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>Reports whether <paramref name="path"/> requires <paramref name="versionName"/> and whether that requirement is weak.</summary>
    public static (bool Required, bool Weak) Inspect(string path, string versionName)
    {
        byte[] elf = File.ReadAllBytes(path);
        int entry = FindVernaux(elf, versionName, out _);
        return entry < 0 ? (false, false) : (true, (ReadU16(elf, entry + 4) & VerFlgWeak) != 0);
    }

    /// <summary>
    /// Sets VER_FLG_WEAK on the requirement <paramref name="versionName"/>, after checking that no
    /// relocation refers to a symbol of that version (otherwise weakening it would turn a clear load
    /// failure into a crash later). The file is replaced atomically, never written in place, so a
    /// hard link to a package cache is never modified.
    /// </summary>
    public static ElfVersionPatchOutcome MarkWeak(string path, string versionName)
    {
        byte[] elf = File.ReadAllBytes(path);
        int entry = FindVernaux(elf, versionName, out ushort versionIndex);
        if (entry < 0)
        {
            return ElfVersionPatchOutcome.NotRequired;
        }

        ushort flags = ReadU16(elf, entry + 4);
        if ((flags & VerFlgWeak) != 0)
        {
            return ElfVersionPatchOutcome.AlreadyWeak;
        }

        string? usedBy = FindRelocatedSymbolOfVersion(elf, versionIndex);
        if (usedBy is not null)
        {
            throw new InvalidDataException(
                $"{path}: symbol '{usedBy}' of version {versionName} is used by a relocation, so that version cannot be made optional.");
        }

        flags |= VerFlgWeak;
        elf[entry + 4] = (byte)flags;
        elf[entry + 5] = (byte)(flags >> 8);
        string temporary = path + ".patching";
        File.WriteAllBytes(temporary, elf);
        File.Replace(temporary, path, destinationBackupFileName: null);
        return ElfVersionPatchOutcome.Patched;
    }

    // Returns the offset of the Elf64_Vernaux entry named versionName, or -1.
    private static int FindVernaux(byte[] elf, string versionName, out ushort versionIndex)
    {
        versionIndex = 0;
        List<Section> sections = ReadSections(elf);
        foreach (Section verneed in sections)
        {
            if (verneed.Type != ShtGnuVerneed)
            {
                continue;
            }

            Section strings = sections[(int)verneed.Link];
            int need = verneed.Offset;
            for (uint i = 0; i < verneed.Info; i++)
            {
                ushort count = ReadU16(elf, need + 2);
                int aux = need + (int)ReadU32(elf, need + 8);
                for (int j = 0; j < count; j++)
                {
                    string name = ReadString(elf, strings.Offset + (int)ReadU32(elf, aux + 8));
                    if (name == versionName)
                    {
                        versionIndex = ReadU16(elf, aux + 6);
                        return aux;
                    }

                    aux += (int)ReadU32(elf, aux + 12);
                }

                uint next = ReadU32(elf, need + 12);
                if (next == 0)
                {
                    break;
                }

                need += (int)next;
            }
        }

        return -1;
    }

    private static string? FindRelocatedSymbolOfVersion(byte[] elf, ushort versionIndex)
    {
        List<Section> sections = ReadSections(elf);
        Section? versym = sections.Find(s => s.Type == ShtGnuVersym);
        if (versym is null)
        {
            return null;
        }

        foreach (Section relocations in sections)
        {
            if ((relocations.Type != ShtRela && relocations.Type != ShtRel) || relocations.EntrySize == 0)
            {
                continue;
            }

            Section symbols = sections[(int)relocations.Link];
            if (symbols.Type != ShtDynsym)
            {
                continue;
            }

            Section names = sections[(int)symbols.Link];
            for (long at = 0; at + relocations.EntrySize <= relocations.Size; at += relocations.EntrySize)
            {
                uint symbol = (uint)(ReadU64(elf, relocations.Offset + (int)at + 8) >> 32);
                if (symbol == 0)
                {
                    continue;
                }

                if ((ReadU16(elf, versym.Offset + (int)symbol * 2) & 0x7fff) == versionIndex)
                {
                    return ReadString(elf, names.Offset + (int)ReadU32(elf, symbols.Offset + (int)symbol * 24));
                }
            }
        }

        return null;
    }

    private static List<Section> ReadSections(byte[] elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException("Not an ELF file.");
        }

        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("Only 64-bit little-endian ELF files are supported.");
        }

        int sectionTable = checked((int)ReadU64(elf, 0x28));
        ushort entrySize = ReadU16(elf, 0x3A);
        ushort count = ReadU16(elf, 0x3C);
        var sections = new List<Section>(count);
        for (int i = 0; i < count; i++)
        {
            int header = sectionTable + i * entrySize;
            sections.Add(new Section
            {
                Type = ReadU32(elf, header + 4),
                Offset = checked((int)ReadU64(elf, header + 24)),
                Size = (long)ReadU64(elf, header + 32),
                Link = ReadU32(elf, header + 40),
                Info = ReadU32(elf, header + 44),
                EntrySize = (long)ReadU64(elf, header + 56),
            });
        }

        return sections;
    }

    private static ushort ReadU16(byte[] elf, int at) => (ushort)(elf[at] | elf[at + 1] << 8);

    private static uint ReadU32(byte[] elf, int at) => ReadU16(elf, at) | (uint)ReadU16(elf, at + 2) << 16;

    private static ulong ReadU64(byte[] elf, int at) => ReadU32(elf, at) | (ulong)ReadU32(elf, at + 4) << 32;

    private static string ReadString(byte[] elf, int at)
    {
        int end = Array.IndexOf(elf, (byte)0, at);
        return Encoding.ASCII.GetString(elf, at, end - at);
    }

    private sealed class Section
    {
        public uint Type { get; set; }
        public int Offset { get; set; }
        public long Size { get; set; }
        public uint Link { get; set; }
        public uint Info { get; set; }
        public long EntrySize { get; set; }
    }
}

#if !ELF_PATCHER_WITHOUT_MSBUILD
public class MarkElfVersionWeak : Microsoft.Build.Utilities.Task
{
    [Microsoft.Build.Framework.Required]
    public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

    [Microsoft.Build.Framework.Required]
    public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        foreach (Microsoft.Build.Framework.ITaskItem file in Files)
        {
            try
            {
                ElfVersionPatchOutcome outcome = ElfVersionPatcher.MarkWeak(file.ItemSpec, VersionName);
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, "{0}: {1} {2}", file.ItemSpec, VersionName, outcome);
            }
            catch (Exception e) when (e is InvalidDataException || e is IOException || e is UnauthorizedAccessException)
            {
                Log.LogError("Cannot make {0} optional in {1}: {2}", VersionName, file.ItemSpec, e.Message);
            }
        }

        return !Log.HasLoggedErrors;
    }
}
#endif
