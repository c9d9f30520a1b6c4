using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Formats;

/// <summary>
/// The safetensors format: an 8-byte little-endian header length, a JSON header mapping each name to
/// {dtype, shape, data_offsets} (offsets relative to the end of the header), then the raw little-endian bytes.
/// </summary>
public static class SafeTensors
{
    const long MaxHeaderBytes = 100_000_000; // the format's own limit

    static readonly Dictionary<string, ScalarType> DTypes = new()
    {
        ["F32"] = ScalarType.Float32, ["F16"] = ScalarType.Float16, ["BF16"] = ScalarType.BFloat16,
        ["F64"] = ScalarType.Float64, ["I64"] = ScalarType.Int64, ["I32"] = ScalarType.Int32,
        ["I16"] = ScalarType.Int16, ["I8"] = ScalarType.Int8, ["U8"] = ScalarType.Byte, ["BOOL"] = ScalarType.Bool,
    };

    static readonly Dictionary<ScalarType, string> DTypeNames = DTypes.ToDictionary(kv => kv.Value, kv => kv.Key);

    /// <summary>One tensor's entry in the header.</summary>
    public sealed record Entry(string Name, ScalarType DType, long[] Shape, long Begin, long End);

    /// <summary>Reads the header only: names, dtypes, shapes, and the metadata map.</summary>
    public static (List<Entry> Entries, Dictionary<string, string> Metadata, long DataStart) ReadHeader(string path)
    {
        using var stream = OpenRead(path);
        return ReadHeader(stream, path);
    }

    static (List<Entry>, Dictionary<string, string>, long) ReadHeader(Stream stream, string path)
    {
        long fileLength = stream.Length;
        Span<byte> lenBytes = stackalloc byte[8];
        if (stream.ReadAtLeast(lenBytes, 8, throwOnEndOfStream: false) < 8)
            throw new CheckpointException($"{path}: truncated safetensors file ({fileLength} bytes, no header length)");
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(lenBytes);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || 8 + headerLength > fileLength)
            throw new CheckpointException(
                $"{path}: corrupt safetensors header: it claims {headerLength} header bytes but the file has {fileLength} bytes");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        JsonObject header;
        try
        {
            header = JsonNode.Parse(headerBytes) as JsonObject
                     ?? throw new CheckpointException($"{path}: corrupt safetensors header: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{path}: corrupt safetensors header: {e.Message}", e);
        }

        long dataStart = 8 + headerLength, dataLength = fileLength - dataStart;
        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                if (node is JsonObject meta)
                    foreach (var (k, v) in meta) metadata[k] = v?.GetValue<string>() ?? "";
                continue;
            }
            entries.Add(ParseEntry(path, name, node, dataLength));
        }
        return (entries, metadata, dataStart);
    }

    static Entry ParseEntry(string path, string name, JsonNode? node, long dataLength)
    {
        try
        {
            string dtypeName = node!["dtype"]!.GetValue<string>();
            if (!DTypes.TryGetValue(dtypeName, out var dtype))
                throw new CheckpointException($"{path}: tensor '{name}' has dtype {dtypeName}, which T5Sharp doesn't read");
            long[] shape = node["shape"]!.AsArray().Select(x => x!.GetValue<long>()).ToArray();
            var offsets = node["data_offsets"]!.AsArray();
            long begin = offsets[0]!.GetValue<long>(), end = offsets[1]!.GetValue<long>();
            long expected = shape.Aggregate(1L, (a, b) => a * b) * ElementSize(dtype);
            if (begin < 0 || end < begin || end > dataLength)
                throw new CheckpointException(
                    $"{path}: tensor '{name}' lies at bytes {begin}..{end} but the data section has {dataLength} bytes (truncated file?)");
            if (end - begin != expected)
                throw new CheckpointException(
                    $"{path}: tensor '{name}' has shape [{string.Join(", ", shape)}] {dtypeName} = {expected} bytes, but {end - begin} bytes are stored");
            return new Entry(name, dtype, shape, begin, end);
        }
        catch (Exception e) when (e is not CheckpointException)
        {
            throw new CheckpointException($"{path}: corrupt safetensors header entry for '{name}': {e.Message}", e);
        }
    }

    /// <summary>Loads every tensor (or those <paramref name="include"/> accepts) on the CPU, in its stored dtype.</summary>
    public static Dictionary<string, Tensor> Load(string path, Func<string, bool>? include = null)
    {
        using var stream = OpenRead(path);
        var (entries, _, dataStart) = ReadHeader(stream, path);
        var result = new Dictionary<string, Tensor>();
        try
        {
            foreach (var e in entries.Where(e => include is null || include(e.Name)).OrderBy(e => e.Begin))
            {
                var bytes = new byte[e.End - e.Begin];
                stream.Position = dataStart + e.Begin;
                stream.ReadExactly(bytes);
                var t = empty(e.Shape, e.DType);
                if (bytes.Length > 0) t.bytes = bytes;
                result[e.Name] = t;
            }
        }
        catch (Exception ex) when (ex is not CheckpointException)
        {
            foreach (var t in result.Values) t.Dispose();
            throw new CheckpointException($"{path}: could not read tensor data: {ex.Message}", ex);
        }
        return result;
    }

    /// <summary>
    /// Writes tensors in name order (as the Python library does) with 8-byte aligned header padding, atomically:
    /// to a temporary file first, then renamed over <paramref name="path"/>.
    /// </summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var items = tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
            header["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        long offset = 0;
        foreach (var (name, t) in items)
        {
            if (!DTypeNames.TryGetValue(t.dtype, out var dtypeName))
                throw new ArgumentException($"tensor '{name}' has dtype {t.dtype}, which safetensors can't store");
            long size = t.numel() * ElementSize(t.dtype);
            header[name] = new JsonObject
            {
                ["dtype"] = dtypeName,
                ["shape"] = new JsonArray(t.shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
                ["data_offsets"] = new JsonArray(JsonValue.Create(offset), JsonValue.Create(offset + size)),
            };
            offset += size;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (headerBytes.Length + 7) / 8 * 8;
        AtomicFile.Write(path, stream =>
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(len, padded);
            stream.Write(len);
            stream.Write(headerBytes);
            for (int i = headerBytes.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var (_, t) in items)
            {
                using var scope = NewDisposeScope(); // detach/cpu/contiguous each return a new handle
                var cpu = t.detach().cpu().contiguous();
                if (cpu.numel() > 0) stream.Write(cpu.bytes);
            }
        });
    }

    public static int ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        _ => throw new ArgumentException($"unsupported dtype {dtype}"),
    };

    static FileStream OpenRead(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException($"{path}: file not found");
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
    }
}
