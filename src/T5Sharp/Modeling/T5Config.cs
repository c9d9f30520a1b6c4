using System.Text.Json;
using System.Text.Json.Serialization;
using T5Sharp.Formats;

namespace T5Sharp.Modeling;

/// <summary>
/// transformers' T5Config, field for field, under HF's JSON names. Keys we don't model are kept in
/// <see cref="Extra"/> and written back, so a config read and saved again loses nothing.
/// </summary>
public sealed class T5Config
{
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; } = 32128;
    [JsonPropertyName("d_model")] public int DModel { get; set; } = 512;
    [JsonPropertyName("d_kv")] public int DKv { get; set; } = 64;
    [JsonPropertyName("d_ff")] public int DFf { get; set; } = 2048;
    [JsonPropertyName("num_layers")] public int NumLayers { get; set; } = 6;
    /// <summary>Null means "same as num_layers", as in transformers.</summary>
    [JsonPropertyName("num_decoder_layers")] public int? NumDecoderLayers { get; set; }
    [JsonPropertyName("num_heads")] public int NumHeads { get; set; } = 8;
    [JsonPropertyName("relative_attention_num_buckets")] public int RelativeAttentionNumBuckets { get; set; } = 32;
    [JsonPropertyName("relative_attention_max_distance")] public int RelativeAttentionMaxDistance { get; set; } = 128;
    [JsonPropertyName("dropout_rate")] public double DropoutRate { get; set; } = 0.1;
    [JsonPropertyName("classifier_dropout")] public double ClassifierDropout { get; set; } = 0.0;
    [JsonPropertyName("layer_norm_epsilon")] public double LayerNormEpsilon { get; set; } = 1e-6;
    [JsonPropertyName("initializer_factor")] public double InitializerFactor { get; set; } = 1.0;
    [JsonPropertyName("feed_forward_proj")] public string FeedForwardProj { get; set; } = "relu";
    [JsonPropertyName("is_encoder_decoder")] public bool IsEncoderDecoder { get; set; } = true;
    [JsonPropertyName("use_cache")] public bool UseCache { get; set; } = true;
    [JsonPropertyName("pad_token_id")] public int PadTokenId { get; set; } = 0;
    [JsonPropertyName("eos_token_id")] public int EosTokenId { get; set; } = 1;
    [JsonPropertyName("decoder_start_token_id")] public int? DecoderStartTokenId { get; set; }
    /// <summary>As in the file: transformers omits the key when it is the default (true), so absence is kept as absence.</summary>
    [JsonPropertyName("tie_word_embeddings")] public bool? TieWordEmbeddingsRaw { get; set; }
    [JsonPropertyName("model_type")] public string ModelType { get; set; } = "t5";
    [JsonPropertyName("architectures")] public List<string>? Architectures { get; set; }
    [JsonPropertyName("dense_act_fn")] public string? DenseActFnRaw { get; set; }
    [JsonPropertyName("is_gated_act")] public bool? IsGatedActRaw { get; set; }
    [JsonPropertyName("torch_dtype")] public string? TorchDtype { get; set; }
    [JsonPropertyName("task_specific_params")] public Dictionary<string, JsonElement>? TaskSpecificParams { get; set; }

    /// <summary>Every key of the file that isn't a property above, kept verbatim.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement> Extra { get; set; } = new();

    [JsonIgnore] public bool TieWordEmbeddings { get => TieWordEmbeddingsRaw ?? true; set => TieWordEmbeddingsRaw = value; }
    [JsonIgnore] public int DecoderLayers => NumDecoderLayers ?? NumLayers;
    [JsonIgnore] public int DecoderStartId => DecoderStartTokenId ?? PadTokenId;
    [JsonIgnore] public int InnerDim => NumHeads * DKv;

    /// <summary>"gated-gelu" → gated, "gelu_new"; "relu" → not gated, "relu" (T5Config's own parsing of feed_forward_proj).</summary>
    [JsonIgnore] public bool IsGatedAct => FeedForwardProj.Split('-') is [ "gated", _ ];

    [JsonIgnore]
    public string DenseActFn
    {
        get
        {
            string act = FeedForwardProj.Split('-')[^1];
            return act == "gelu" && IsGatedAct ? "gelu_new" : act; // transformers maps gated-gelu to gelu_new
        }
    }

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static T5Config Load(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException($"{path}: file not found");
        T5Config config;
        try
        {
            config = JsonSerializer.Deserialize<T5Config>(File.ReadAllText(path), JsonOptions)
                     ?? throw new CheckpointException($"{path}: empty config");
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{path}: invalid config.json: {JsonErrorText.Of(e)}", e);
        }
        config.Validate(path);
        return config;
    }

    public void Validate(string source)
    {
        void Require(bool ok, string key, string what)
        {
            if (!ok) throw new CheckpointException($"{source}: '{key}' {what}");
        }
        Require(VocabSize > 0, "vocab_size", "must be positive");
        Require(DModel > 0, "d_model", "must be positive");
        Require(DKv > 0, "d_kv", "must be positive");
        Require(DFf > 0, "d_ff", "must be positive");
        Require(NumHeads > 0, "num_heads", "must be positive");
        Require(NumLayers >= 0 && DecoderLayers >= 0, "num_layers", "must not be negative");
        Require(RelativeAttentionNumBuckets > 1, "relative_attention_num_buckets", "must be at least 2");
        var parts = FeedForwardProj.Split('-');
        Require(parts.Length == 1 || (parts.Length == 2 && parts[0] == "gated"), "feed_forward_proj",
            $"is '{FeedForwardProj}'; expected an activation or 'gated-' and one, e.g. 'relu' or 'gated-gelu'");
        Require(DenseActFn is "relu" or "gelu" or "gelu_new" or "gelu_pytorch_tanh" or "silu" or "swish" or "gelu_fast",
            "feed_forward_proj", $"names activation '{DenseActFn}', which T5Sharp doesn't implement");
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    public T5Config Clone() => JsonSerializer.Deserialize<T5Config>(ToJson(), JsonOptions)!;
}
