using Google.Protobuf;

namespace T5Sharp.Tokenization;

/// <summary>
/// What the unigram encoder needs from a SentencePiece model: the pieces (text, score, kind) and the normaliser
/// settings. Read from <c>spiece.model</c> (a ModelProto) or built from a tokenizer.json (see <see cref="TokenizerJsonModel"/>).
/// </summary>
public sealed class SentencePieceModel
{
    public IReadOnlyList<string> Pieces { get; }
    public IReadOnlyList<float> Scores { get; }
    public IReadOnlyList<PieceType> Types { get; }
    public int UnkId { get; }
    public bool AddDummyPrefix { get; }
    public bool RemoveExtraWhitespaces { get; }
    public bool EscapeWhitespaces { get; }
    internal PrecompiledCharsMap? CharsMap { get; }
    /// <summary>Where it came from, for error messages.</summary>
    public string Source { get; }

    internal SentencePieceModel(string source, List<string> pieces, List<float> scores, List<PieceType> types,
        PrecompiledCharsMap? charsMap, bool addDummyPrefix, bool removeExtraWhitespaces, bool escapeWhitespaces)
    {
        Source = source;
        Pieces = pieces; Scores = scores; Types = types; CharsMap = charsMap;
        AddDummyPrefix = addDummyPrefix; RemoveExtraWhitespaces = removeExtraWhitespaces; EscapeWhitespaces = escapeWhitespaces;
        UnkId = types.IndexOf(PieceType.Unknown);
        if (UnkId < 0) throw new TokenizerException($"{source}: no piece of type UNKNOWN (<unk>); a unigram model needs one");
    }

    public int Count => Pieces.Count;

    // Field numbers from sentencepiece_model.proto.
    const int ModelPieces = 1, ModelTrainerSpec = 2, ModelNormalizerSpec = 3;
    const int PieceText = 1, PieceScore = 2, PieceKind = 3;
    const int TrainerModelType = 3, TrainerTreatWhitespaceAsSuffix = 24, TrainerByteFallback = 35;
    const int NormCharsMap = 2, NormAddDummyPrefix = 3, NormRemoveExtraWhitespaces = 4, NormEscapeWhitespaces = 5;

    /// <summary>Reads a <c>spiece.model</c> file. Only unigram models are supported (T5's kind).</summary>
    public static SentencePieceModel Load(string path)
    {
        if (!File.Exists(path)) throw new TokenizerException($"{path}: file not found (expected a SentencePiece model)");
        var pieces = new List<string>(); var scores = new List<float>(); var types = new List<PieceType>();
        PrecompiledCharsMap? charsMap = null;
        bool addDummy = true, removeExtra = true, escape = true;
        try
        {
            var input = new CodedInputStream(File.ReadAllBytes(path));
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case ModelPieces:
                        ReadPiece(input.ReadBytes(), pieces, scores, types);
                        break;
                    case ModelTrainerSpec:
                        CheckTrainerSpec(input.ReadBytes(), path);
                        break;
                    case ModelNormalizerSpec:
                        var spec = new CodedInputStream(input.ReadBytes().ToByteArray());
                        uint t;
                        while ((t = spec.ReadTag()) != 0)
                        {
                            switch (WireFormat.GetTagFieldNumber(t))
                            {
                                case NormCharsMap:
                                    var blob = spec.ReadBytes().Span;
                                    charsMap = blob.Length == 0 ? null : PrecompiledCharsMap.Parse(blob, path);
                                    break;
                                case NormAddDummyPrefix: addDummy = spec.ReadBool(); break;
                                case NormRemoveExtraWhitespaces: removeExtra = spec.ReadBool(); break;
                                case NormEscapeWhitespaces: escape = spec.ReadBool(); break;
                                default: spec.SkipLastField(); break;
                            }
                        }
                        break;
                    default:
                        input.SkipLastField();
                        break;
                }
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new TokenizerException($"{path}: not a valid SentencePiece model protobuf ({e.Message})", e);
        }
        if (pieces.Count == 0) throw new TokenizerException($"{path}: the model has no pieces");
        return new SentencePieceModel(path, pieces, scores, types, charsMap, addDummy, removeExtra, escape);
    }

    static void ReadPiece(ByteString bytes, List<string> pieces, List<float> scores, List<PieceType> types)
    {
        var input = new CodedInputStream(bytes.ToByteArray());
        string text = ""; float score = 0; var type = PieceType.Normal;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case PieceText: text = input.ReadString(); break;
                case PieceScore: score = input.ReadFloat(); break;
                case PieceKind: type = (PieceType)input.ReadEnum(); break;
                default: input.SkipLastField(); break;
            }
        }
        pieces.Add(text); scores.Add(score); types.Add(type);
    }

    static void CheckTrainerSpec(ByteString bytes, string path)
    {
        var input = new CodedInputStream(bytes.ToByteArray());
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case TrainerModelType:
                    int type = input.ReadEnum();
                    if (type != 1) throw new TokenizerException($"{path}: trainer_spec.model_type is {type}, expected 1 (UNIGRAM); T5 uses unigram models");
                    break;
                case TrainerTreatWhitespaceAsSuffix:
                    if (input.ReadBool()) throw new TokenizerException($"{path}: trainer_spec.treat_whitespace_as_suffix is true, which T5Sharp does not support");
                    break;
                case TrainerByteFallback:
                    if (input.ReadBool()) throw new TokenizerException($"{path}: trainer_spec.byte_fallback is true, which T5Sharp does not support (T5 models have it off)");
                    break;
                default: input.SkipLastField(); break;
            }
        }
    }
}
