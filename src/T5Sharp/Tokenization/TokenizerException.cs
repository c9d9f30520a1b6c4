using T5Sharp.Formats;

namespace T5Sharp.Tokenization;

/// <summary>A tokenizer file a user gave us is missing or malformed. The message names the file and the key or field.</summary>
public sealed class TokenizerException(string message, Exception? inner = null) : Exception(message, inner), IFileError
{
    static Exception IFileError.Create(string message, Exception? inner) => new TokenizerException(message, inner);
}
