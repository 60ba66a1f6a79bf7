using SunspotForecaster.Cli;
using SunspotForecaster.Models.Networks;

// Before any thread allocates: libtorch's freed buffers stay in the heap (see NativeHeap).
NativeHeap.KeepFreedMemory();
return await SunspotsCli.RunAsync(args, Console.Out, Console.Error);
