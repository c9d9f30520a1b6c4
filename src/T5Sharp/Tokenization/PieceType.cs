namespace T5Sharp.Tokenization;

/// <summary>SentencePiece's piece kinds, with the numbers sentencepiece_model.proto gives them.</summary>
public enum PieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}
