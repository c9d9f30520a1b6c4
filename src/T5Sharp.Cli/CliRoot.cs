using System.CommandLine;
using System.CommandLine.Help;
using T5Sharp.Cli.Commands;

namespace T5Sharp.Cli;

/// <summary>The `t5sharp` command with every verb: what Program runs, and what tests parse command lines with.</summary>
public static class CliRoot
{
    public static Command Create()
    {
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
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        return root;
    }
}
