using System.CommandLine;
using T5Sharp.Data.Converters;

namespace T5Sharp.Cli.Commands;

/// <summary>
/// `t5sharp prepare telegram|yahoo`: converts raw exports into JSONL training records and says how many were
/// written and dropped. The conversion rules live in the library's converters.
/// </summary>
public static class PrepareCommand
{
    public static Command Create() =>
        new("prepare", "Convert raw exports into JSONL training records.") { Telegram(), Yahoo() };

    static Command Telegram()
    {
        var export = new Option<string>("--export") { Description = "Telegram Desktop JSON export (result.json).", Required = true };
        var output = new Option<string>("--out") { Description = "The JSONL file to write ({conversation, response} per line).", Required = true };
        var gap = new Option<int>("--gap-minutes") { Description = "A pause this long starts a new session.", DefaultValueFactory = _ => 120 };
        var context = new Option<int>("--context") { Description = "At most this many previous messages of the session as context.", DefaultValueFactory = _ => 10 };
        var minContext = new Option<int>("--min-context") { Description = "Short-context fallback: messages with fewer session context messages than this take this many from before the gap (0: off).", DefaultValueFactory = _ => 1 };
        var asSender = new Option<string?>("--as") { Description = "Only this sender's messages become responses." };
        var maxMessages = new Option<int?>("--max-messages") { Description = "Keep only the most recent N usable messages." };
        var command = new Command("telegram", "Telegram Desktop chat export -> {conversation, response} records.")
            { export, output, gap, context, minContext, asSender, maxMessages };
        command.SetAction(parse =>
        {
            var options = new TelegramExportOptions(parse.GetValue(gap), parse.GetValue(context), parse.GetValue(minContext),
                parse.GetValue(asSender), parse.GetValue(maxMessages));
            Report(TelegramExportConverter.Convert(parse.GetValue(export)!, parse.GetValue(output)!, options),
                "messages dropped (service or empty)", "messages without context, from other senders or over the limit");
            return 0;
        });
        return command;
    }

    static Command Yahoo()
    {
        var input = new Option<string>("--input") { Description = "Yahoo Answers nfL6 JSON (an array of question/answer objects).", Required = true };
        var output = new Option<string>("--out") { Description = "The JSONL file to write ({question, answer} per line).", Required = true };
        var max = new Option<int?>("--max-records") { Description = "Write at most N records." };
        var command = new Command("yahoo", "Yahoo Answers nfL6 JSON -> {question, answer} records.") { input, output, max };
        command.SetAction(parse =>
        {
            Report(YahooAnswersConverter.Convert(parse.GetValue(input)!, parse.GetValue(output)!, new YahooAnswersOptions(parse.GetValue(max))),
                "records dropped (empty question or answer)", "records over the limit");
            return 0;
        });
        return command;
    }

    static void Report(ConversionResult result, string droppedMeaning, string skippedMeaning)
    {
        Console.WriteLine($"wrote {result.RecordsWritten} records to {result.OutputPath}");
        Console.WriteLine($"dropped {result.Dropped} {droppedMeaning}");
        if (result.Skipped > 0) Console.WriteLine($"skipped {result.Skipped} {skippedMeaning}");
    }
}
