using BenchmarkDotNet.Running;
using Upsonic.Benchmarks.ModelInput;

// "model-input" prints the model-input comparison (a count, not a timing); anything else goes to BenchmarkDotNet,
// e.g. "--filter *" runs every benchmark class in one process, side by side.
if (args is ["model-input"])
{
    await ModelInputReport.RunAsync();
    return;
}

try
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
finally
{
    Upsonic.Benchmarks.Fixtures.Backends.DeleteWorkDirectory();
}
