using System.CommandLine;
using System.Text.Json;
using T5Sharp.Tokenization;

namespace T5Sharp.Cli.Commands;

/// <summary>`t5sharp tokenize`: ids and pieces of a text, to check prompts and truncation before training.</summary>
public static class TokenizeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model or tokenizer folder (spiece.model or tokenizer.json).", Required = true };
        var input = new Option<string>("--input") { Description = "The text to tokenize.", Required = true };
        var maxLength = new Option<int?>("--max-length") { Description = "Truncate to this many ids (</s> kept last), as training would." };
        var noEos = new Option<bool>("--no-eos") { Description = "Don't append </s>." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var command = new Command("tokenize", "Show the token ids and pieces of a text.") { model, input, maxLength, noEos, json };
        command.SetAction(parse =>
        {
            var tokenizer = T5Tokenizer.FromFolder(Downloads.Paths.Model(parse.GetValue(model)!));
            string text = parse.GetValue(input)!;
            var batch = tokenizer.EncodeBatch([text], parse.GetValue(maxLength), truncation: parse.GetValue(maxLength) is not null,
                Padding.DoNotPad, addEos: !parse.GetValue(noEos));
            long[] ids = batch.InputIds[0];
            string[] pieces = tokenizer.ConvertIdsToTokens(ids);
            int full = batch.UntruncatedLengths[0];
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { ids, pieces, length = ids.Length, untruncated_length = full }));
                return 0;
            }
            Console.WriteLine($"{ids.Length} tokens" + (full > ids.Length ? $" (truncated from {full})" : ""));
            Console.WriteLine("ids     " + string.Join(' ', ids));
            Console.WriteLine("pieces  " + string.Join(' ', pieces));
            return 0;
        });
        return command;
    }
}
