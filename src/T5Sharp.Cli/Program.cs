using System.CommandLine;
using T5Sharp.Cli;
using T5Sharp.Cli.Commands;

// Before any tensor operation: threads, and flush-to-zero for denormals (see TorchRuntime).
T5Sharp.Runtime.TorchRuntime.Initialize();
var root = new RootCommand("T5Sharp: fine-tune, evaluate and serve T5 / FLAN-T5 checkpoints in Hugging Face format.");
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(InitCommand.Create());
root.Subcommands.Add(TokenizeCommand.Create());
root.Subcommands.Add(GenerateCommand.Create());
root.Subcommands.Add(ScoreCommand.Create());
root.Subcommands.Add(PrepareCommand.Create());
root.Subcommands.Add(EvaluateCommand.Create());
root.Subcommands.Add(CompareCommand.Create());
root.Subcommands.Add(LoraCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(PushCommand.Create());
// Our handler, not System.CommandLine's: user errors print one line, not a stack trace.
return CliErrors.Run(() => root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));
