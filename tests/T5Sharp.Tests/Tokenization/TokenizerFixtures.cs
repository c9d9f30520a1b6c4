using System.Text.Json;
using T5Sharp.Tests.Support;
using T5Sharp.Tokenization;

namespace T5Sharp.Tests.Tokenization;

/// <summary>Tokenizers and reference files shared by the tokenizer tests, loaded once per test run.</summary>
internal static class TokenizerFixtures
{
    static readonly Lazy<T5Tokenizer> _small = new(() => T5Tokenizer.FromFolder(Path.Combine(SharedPaths.Hf, "tokenizer")));
    static readonly Lazy<T5Tokenizer> _smallNonLegacy = new(() => T5Tokenizer.FromFolder(Path.Combine(SharedPaths.Hf, "tokenizer"), legacy: false));
    static readonly Lazy<T5Tokenizer> _real = new(() => T5Tokenizer.FromFolder(SharedPaths.RealTokenizer));
    static readonly Lazy<JsonElement> _cases = new(() => Load(Path.Combine(SharedPaths.Hf, "tokenizer_cases.json")));
    static readonly Lazy<JsonElement> _real1400 = new(() => Load(Path.Combine(SharedPaths.Hf2, "tokenizer_real.json")));

    /// <summary>The 1100-id tokenizer of fixtures/hf/tokenizer (legacy=True, sentinels with lstrip/rstrip).</summary>
    public static T5Tokenizer Small => _small.Value;
    public static T5Tokenizer SmallNonLegacy => _smallNonLegacy.Value;
    /// <summary>The real FLAN-T5 tokenizer (shared/models/t5-tokenizer, from spiece.model).</summary>
    public static T5Tokenizer Real => _real.Value;
    public static JsonElement Cases => _cases.Value;
    public static JsonElement RealEntries => _real1400.Value.GetProperty("entries");

    public static JsonElement Load(string path) => JsonDocument.Parse(File.ReadAllBytes(path)).RootElement;

    public static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
    public static long[] Longs(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt64()).ToArray();
    public static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    public static JsonElement Case(string name) =>
        Cases.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
}
