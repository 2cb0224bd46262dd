using One2One.Benchmarks.Relay;

// `relay-load` is the end-to-end load tool; anything else goes to BenchmarkDotNet (see README, section Benchmarks).
if (args is ["relay-load", .. var options])
{
    return RelayLoad.Run(options);
}

BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
