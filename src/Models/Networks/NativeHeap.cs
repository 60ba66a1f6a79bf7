using System.Runtime.InteropServices;

namespace SunspotForecaster.Models.Networks;

/// <summary>
/// Makes glibc keep the memory libtorch frees. libtorch has no caching allocator on the CPU: every
/// operation mallocs its output and oneDNN's LSTM its workspace, megabytes per mini-batch. By
/// default glibc maps such blocks fresh and returns them to the kernel when freed, so each batch
/// page-faults them in again: a profile of default training spent 28% of its CPU time in the
/// kernel zeroing pages (README, "Training speed"). Kept, they are reused from the heap.
/// </summary>
public static class NativeHeap
{
    // mallopt parameters, from glibc's malloc.h.
    private const int TrimThreshold = -1;
    private const int TopPad = -2;
    private const int MmapThreshold = -3;

    // glibc's largest mmap threshold on 64-bit: blocks below it come from the heap.
    private const int LargestHeapBlock = 32 * 1024 * 1024;

    // Free memory the heap keeps before giving any back, and what it asks for beyond each need.
    private const int KeptFreeMemory = 512 * 1024 * 1024;
    private const int HeapGrowth = 64 * 1024 * 1024;

    private static readonly Lazy<bool> s_applied = new(Apply);

    /// <summary>
    /// Applies the setting once per process; call it first thing, before threads allocate. Returns
    /// whether glibc took it (false on Windows, macOS or a C library without mallopt: their
    /// allocators are left as they are).
    /// </summary>
    public static bool KeepFreedMemory() => s_applied.Value;

    private static bool Apply()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            // mallopt returns 1 on success.
            return mallopt(MmapThreshold, LargestHeapBlock) == 1
                & mallopt(TrimThreshold, KeptFreeMemory) == 1
                & mallopt(TopPad, HeapGrowth) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    // DllImport, not LibraryImport: two ints need no marshalling code, and this keeps Core free of unsafe code.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);
#pragma warning restore SYSLIB1054
}
