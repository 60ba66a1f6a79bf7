using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Benchmarks -- --filter '*'
// Reads the real SILSO file from its committed snapshot (data/SN_d_tot_V2.0.csv.gz).
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
