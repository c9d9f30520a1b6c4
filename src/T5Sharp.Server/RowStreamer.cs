using System.Threading.Channels;
using T5Sharp.Generation;
using T5Sharp.Tokenization;

namespace T5Sharp.Server;

/// <summary>A piece of a streamed sequence: its row, the token (null for the text released at the end) and the new text.</summary>
public sealed record StreamPiece(int Row, long? TokenId, string Text);

/// <summary>
/// Turns a prompt's tokens, on the scheduler thread, into pieces for the HTTP handler to send: per row, the token's
/// text as <see cref="TextStreamer"/> releases it (what no later token can change), with the token that brought it. Rows that already
/// ended send nothing more.
/// </summary>
public sealed class RowStreamer : IGenerationStreamer
{
    readonly Channel<StreamPiece> _channel = Channel.CreateUnbounded<StreamPiece>(new UnboundedChannelOptions { SingleReader = true });
    readonly TextStreamer[] _rows;
    readonly bool[] _ended;
    readonly long _eos;
    string _released = "";

    public RowStreamer(T5Tokenizer tokenizer, int rows, long eos)
    {
        _eos = eos;
        _ended = new bool[rows];
        _rows = Enumerable.Range(0, rows).Select(r => new TextStreamer(tokenizer, text => _released += text, r)).ToArray();
    }

    public ChannelReader<StreamPiece> Pieces => _channel.Reader;

    public void Put(int step, IReadOnlyList<long> tokens)
    {
        for (int r = 0; r < _rows.Length; r++)
        {
            if (_ended[r]) continue;
            _released = "";
            _rows[r].Put(step, tokens);
            _channel.Writer.TryWrite(new StreamPiece(r, tokens[r], _released));
            if (tokens[r] == _eos) _ended[r] = true;
        }
    }

    public void End()
    {
        for (int r = 0; r < _rows.Length; r++)
        {
            _released = "";
            _rows[r].End();
            if (_released.Length > 0) _channel.Writer.TryWrite(new StreamPiece(r, null, _released));
        }
    }

    /// <summary>No more pieces (called when the prompt's job completes, however it ended).</summary>
    public void Close() => _channel.Writer.TryComplete();
}
