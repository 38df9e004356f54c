using NetSim.Cli;

return NetSimCommand.Run(args);
