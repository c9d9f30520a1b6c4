namespace T5Sharp.Data.Readers;

/// <summary>A file's text through <see cref="Utf8Lines"/>, for parsers that take a TextReader (CsvHelper): invalid UTF-8 names its line.</summary>
sealed class Utf8LinesTextReader(string path) : TextReader
{
    readonly IEnumerator<(int Number, string Text)> _lines = Utf8Lines.Read(path).GetEnumerator();
    string _line = "";
    int _position;

    /// <summary>False at the end of the file; otherwise the current line has a character left.</summary>
    bool Fill()
    {
        while (_position == _line.Length)
        {
            if (!_lines.MoveNext()) return false;
            (_line, _position) = (_lines.Current.Text, 0);
        }
        return true;
    }

    public override int Peek() => Fill() ? _line[_position] : -1;

    public override int Read() => Fill() ? _line[_position++] : -1;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        if (buffer.IsEmpty || !Fill()) return 0;
        int n = Math.Min(buffer.Length, _line.Length - _position);
        _line.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _lines.Dispose();
        base.Dispose(disposing);
    }
}
