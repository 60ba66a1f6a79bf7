using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Benchmarks -- --filter '*'
// Reads ../shared/data/SN_d_tot_V2.0.csv beside the repository.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
