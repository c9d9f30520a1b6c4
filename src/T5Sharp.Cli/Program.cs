using System.CommandLine;
using System.CommandLine.Help;
using T5Sharp.Cli;
using T5Sharp.Cli.Commands;

// Named explicitly: a RootCommand takes its name from the executable, which is T5Sharp.Cli(.dll) when installed as a tool.
var root = new Command("t5sharp", "T5Sharp: fine-tune, evaluate and serve T5 / FLAN-T5 checkpoints in Hugging Face format.")
    { new HelpOption(), new VersionOption() };
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
root.Subcommands.Add(ReportCommand.Create());
var parse = root.Parse(args);
// libtorch only for verbs that use tensors, and before their first tensor operation: threads, and flush-to-zero for
// denormals on this thread, which libtorch's worker threads inherit (see TorchRuntime, LibTorchUse).
if (LibTorchUse.Needed(parse)) T5Sharp.Runtime.TorchRuntime.Initialize();
// Our handler, not System.CommandLine's: user errors print one line, not a stack trace.
return CliErrors.Run(() => parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));
