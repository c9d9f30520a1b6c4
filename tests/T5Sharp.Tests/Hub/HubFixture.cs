using System.Text;
using System.Text.Json;
using Parquet.Serialization;
using T5Sharp.Hub;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Hub;

/// <summary>
/// A fake Hub serving the real hf2/tiny-flan-32k model folder (main, plus a tag v1 whose config differs), a private and a
/// gated copy, a JSONL DialogSum dataset (first records of ../shared/data/dialogsum) and a script-only dataset that only
/// has a Parquet conversion. Commit hashes are fixed strings, as the Hub's are for a given history.
/// </summary>
public sealed class HubFixture : IDisposable
{
    public const string ModelId = "t5sharp/tiny-flan-32k";
    public const string DatasetId = "t5sharp/tiny-dialogsum";
    public const string ScriptDatasetId = "t5sharp/scripted-dialogsum";
    public static readonly string MainCommit = Commit("main");
    public static readonly string V1Commit = Commit("v1");
    public static readonly string DataCommit = Commit("data");
    public static readonly string ParquetCommit = Commit("parquet");
    public static readonly string ScriptCommit = Commit("script");
    public const string Token = "hf_t5sharp_test_token";

    public static readonly string[] ModelFolderFiles =
        ["added_tokens.json", "config.json", "generation_config.json", "model.safetensors", "special_tokens_map.json", "spiece.model", "tokenizer_config.json"];
    /// <summary>Files a model repo often has that a T5Sharp job must NOT download.</summary>
    public static readonly string[] UnneededFiles = ["pytorch_model.bin", "flax_model.msgpack", "README.md", ".gitattributes"];

    public FakeHubServer Server { get; } = new();
    public TempDir Dir { get; } = new();
    public Dictionary<string, byte[]> ModelFiles { get; }
    public byte[] V1Config { get; }
    public Dictionary<string, string[]> DatasetLines { get; } = new();

    public HubFixture()
    {
        string folder = Path.Combine(SharedPaths.Hf2, "tiny-flan-32k");
        ModelFiles = ModelFolderFiles.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(folder, f)));
        var main = new Dictionary<string, byte[]>(ModelFiles);
        foreach (string f in UnneededFiles) main[f] = Encoding.UTF8.GetBytes($"not needed: {f}\n");
        V1Config = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(ModelFiles["config.json"]).Replace("\"d_ff\"", "\"t5sharp_revision\": \"v1\",\n  \"d_ff\""));
        var v1 = new Dictionary<string, byte[]>(ModelFiles) { ["config.json"] = V1Config };
        var model = new FakeHubServer.Repo();
        model.Commits[MainCommit] = main;
        model.Commits[V1Commit] = v1;
        model.Refs["main"] = MainCommit;
        model.Refs["v1"] = V1Commit;
        Server.Repos["models/" + ModelId] = model;
        Server.Repos["models/t5sharp/private-flan"] = Single(ModelFiles, Commit("private"), isPrivate: true);
        Server.Repos["models/t5sharp/gated-flan"] = Single(ModelFiles, Commit("gated"), gated: true);
        Server.Renamed["t5sharp/old-flan-name"] = ModelId;

        var data = new Dictionary<string, byte[]> { ["README.md"] = "# tiny dialogsum\n"u8.ToArray(), [".gitattributes"] = "*.parquet filter=lfs\n"u8.ToArray() };
        foreach (var (split, source) in new[] { ("train", "train"), ("validation", "dev"), ("test", "test") })
        {
            string[] lines = File.ReadLines(Path.Combine(SharedPaths.Data, "dialogsum", $"dialogsum.{source}.jsonl")).Take(3).ToArray();
            DatasetLines[split] = lines;
            data[$"data/{split}.jsonl"] = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");
        }
        Server.Repos["datasets/" + DatasetId] = Single(data, DataCommit);

        var scripted = Single(new Dictionary<string, byte[]>
        {
            ["scripted-dialogsum.py"] = "# a loading script T5Sharp cannot run\n"u8.ToArray(), ["README.md"] = "# scripted\n"u8.ToArray(),
        }, ScriptCommit);
        scripted.Commits[ParquetCommit] = new Dictionary<string, byte[]>
        {
            ["default/train/0000.parquet"] = Parquet(DatasetLines["train"]),
            ["default/test/0000.parquet"] = Parquet(DatasetLines["test"]),
        };
        scripted.Refs["refs/convert/parquet"] = ParquetCommit;
        Server.Repos["datasets/" + ScriptDatasetId] = scripted;
    }

    public HubOptions Options(bool offline = false, string? token = null) => new()
    {
        Endpoint = Server.Endpoint,
        CacheDir = Path.Combine(Dir.Path, "hub"),
        Offline = offline,
        Token = token,
        MetadataTimeout = TimeSpan.FromSeconds(10),
        ReadTimeout = TimeSpan.FromSeconds(10),
        LockTimeout = TimeSpan.FromSeconds(30),
    };

    public HubClient Client(bool offline = false, string? token = null) => new(Options(offline, token));
    public HubResolver Resolver(bool offline = false, string? token = null) => new(Client(offline, token));
    public string CacheDir => Path.Combine(Dir.Path, "hub");

    /// <summary>The Hub's blob name for a file: sha256 for LFS files, git blob sha1 for the rest.</summary>
    public static string Etag(string file, byte[] content) =>
        FakeHubServer.IsLfs(file) ? FakeHubServer.Sha256(content) : FakeHubServer.GitBlobSha1(content);

    public static string Commit(string seed) => FakeHubServer.GitBlobSha1(Encoding.UTF8.GetBytes("commit " + seed));

    static FakeHubServer.Repo Single(Dictionary<string, byte[]> files, string commit, bool isPrivate = false, bool gated = false)
    {
        var repo = new FakeHubServer.Repo { Private = isPrivate, Gated = gated };
        repo.Commits[commit] = files;
        repo.Refs["main"] = commit;
        return repo;
    }

    public sealed class DialogRow
    {
        public string? fname { get; set; }
        public string? dialogue { get; set; }
        public string? summary { get; set; }
    }

    static byte[] Parquet(string[] jsonLines)
    {
        var rows = jsonLines.Select(l => JsonDocument.Parse(l).RootElement).Select(e => new DialogRow
        {
            fname = e.GetProperty("fname").GetString(),
            dialogue = e.GetProperty("dialogue").GetString(),
            summary = (e.TryGetProperty("summary", out var s) ? s : e.GetProperty("summary1")).GetString(),
        }).ToList();
        using var stream = new MemoryStream();
        ParquetSerializer.SerializeAsync(rows, stream).GetAwaiter().GetResult();
        return stream.ToArray();
    }

    public void Dispose()
    {
        Server.Dispose();
        Dir.Dispose();
    }
}
