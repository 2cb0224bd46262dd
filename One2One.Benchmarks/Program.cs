using One2One.Benchmarks.Relay;

// `relay-load` is the end-to-end load tool, `relay-step` the relay step on the CPU clock; anything else goes to BenchmarkDotNet (see README, section Benchmarks).
if (args is ["relay-load", .. var options])
{
    return RelayLoad.Run(options);
}

if (args is ["relay-step", .. var stepOptions])
{
    return RelayStepCpu.Run(stepOptions);
}

BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
