using NetSim.Cli;

using var interruption = RunInterruption.OnSignals();
return NetSimCommand.Run(args, interruption: interruption, endsProcess: true);
