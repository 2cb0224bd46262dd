using One2One.Benchmarks.Dtls;
using One2One.Benchmarks.Relay;

// `--aes platform` anywhere: SRTP on the platform's AES instead of our AES-NI code (for comparing the two).
if (args.Contains("--aes"))
{
    var at = Array.IndexOf(args, "--aes");
    AppContext.SetSwitch(One2One.MediaServer.Rtc.Srtp.AcceleratedAes.PlatformSwitch, at + 1 < args.Length && args[at + 1] == "platform");
    args = [.. args[..at], .. args[Math.Min(args.Length, at + 2)..]];
}

// `relay-load` is the end-to-end load tool, `relay-step` the relay step on the CPU clock, `capacity` the concurrent-calls
// run, `dtls-handshake` DTLS handshakes per CPU-second; anything else goes to BenchmarkDotNet (see README, section Benchmarks).
if (args is ["relay-load", .. var options])
{
    return RelayLoad.Run(options);
}

if (args is ["relay-step", .. var stepOptions])
{
    return RelayStepCpu.Run(stepOptions);
}

if (args is ["capacity", .. var capacityOptions])
{
    return One2One.Benchmarks.Capacity.CapacityRun.Run(capacityOptions);
}

if (args is ["dtls-handshake", .. var dtlsOptions])
{
    return DtlsHandshakeLoad.Run(dtlsOptions);
}

BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
