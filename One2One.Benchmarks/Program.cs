using One2One.Benchmarks.Dtls;
using One2One.Benchmarks.Relay;

// `relay-load` is the end-to-end load tool, `relay-step` the relay step on the CPU clock, `dtls-handshake` DTLS
// handshakes per CPU-second; anything else goes to BenchmarkDotNet (see README, section Benchmarks).
if (args is ["relay-load", .. var options])
{
    return RelayLoad.Run(options);
}

if (args is ["relay-step", .. var stepOptions])
{
    return RelayStepCpu.Run(stepOptions);
}

if (args is ["dtls-handshake", .. var dtlsOptions])
{
    return DtlsHandshakeLoad.Run(dtlsOptions);
}

BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
