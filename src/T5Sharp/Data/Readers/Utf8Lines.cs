using System.Text;

namespace T5Sharp.Data.Readers;

/// <summary>
/// The lines of a UTF-8 text file, each decoded strictly on its own, so a byte that is not UTF-8 (a Latin-1 'é', say)
/// is an error naming its file and line instead of silently becoming U+FFFD. A StreamReader decodes ahead and would
/// blame an earlier line. Shared by the text formats (JSONL, CSV/TSV).
/// </summary>
static class Utf8Lines
{
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Each line with its 1-based number and its line end as in the file ("\n", "\r\n", or none for a last line without
    /// one), so the lines joined are the file's text; a UTF-8 byte-order mark at the start is dropped.
    /// </summary>
    public static IEnumerable<(int Number, string Text)> Read(string path)
    {
        if (!File.Exists(path)) throw new DataException($"{path}: file not found");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        var buffer = new byte[1 << 16];
        var line = new MemoryStream();
        int number = 0, read;
        while ((read = stream.Read(buffer)) > 0)
        {
            // Whole lines of the block at once (IndexOf is vectorized); a line cut by the block's end waits in `line`.
            var block = buffer.AsMemory(0, read);
            for (int end; (end = block.Span.IndexOf((byte)'\n')) >= 0; block = block[(end + 1)..])
            {
                line.Write(block.Span[..(end + 1)]);
                number++;
                yield return (number, Decode(path, number, line));
                line.SetLength(0);
            }
            line.Write(block.Span);
        }
        if (line.Length > 0) yield return (number + 1, Decode(path, number + 1, line));
    }

    static string Decode(string path, int number, MemoryStream line)
    {
        var bytes = line.GetBuffer().AsSpan(0, (int)line.Length);
        if (number == 1 && bytes is [0xEF, 0xBB, 0xBF, ..]) bytes = bytes[3..];
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException e)
        {
            throw new DataException($"{path}:{number}: not valid UTF-8 ({e.Message})", e);
        }
    }
}
