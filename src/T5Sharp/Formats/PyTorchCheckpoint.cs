using System.IO.Compression;
using System.Text;
using static TorchSharp.torch;

namespace T5Sharp.Formats;

/// <summary>
/// Reads `pytorch_model.bin` files: the zip format torch.save has written since torch 1.6. The zip holds
/// `{archive}/data.pkl` (the state dict, pickled, with each storage replaced by a persistent id) and
/// `{archive}/data/{key}` (each storage's raw little-endian bytes). The pickle goes through
/// <see cref="RestrictedUnpickler"/>, so nothing in the file is ever executed.
/// </summary>
public static class PyTorchCheckpoint
{
    static readonly byte[] ZipMagic = "PK\u0003\u0004"u8.ToArray();

    /// <summary>True when the file starts like a zip (torch ≥ 1.6 format).</summary>
    public static bool LooksLikeTorchZip(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        return stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4 && head.SequenceEqual(ZipMagic);
    }

    /// <summary>Names, dtypes and shapes of the tensors, in file order, from the pickle alone (no tensor data is read).</summary>
    public static List<CheckpointTensorInfo> ReadHeader(string path) =>
        ReadPickledTensors(path).Select(kv => new CheckpointTensorInfo(kv.Key, kv.Value.Storage.DType, kv.Value.Size)).ToList();

    /// <summary>
    /// Loads every tensor on the CPU in its stored dtype, honouring storage offset, size and stride. Entries that are
    /// the whole of one storage share its memory, as torch.load gives them (tied embeddings stay tied).
    /// </summary>
    public static Dictionary<string, Tensor> Load(string path)
    {
        using var zip = OpenZip(path);
        var (root, tensors) = ReadPickle(zip, path);
        var storages = new Dictionary<string, Tensor>();
        var result = new Dictionary<string, Tensor>();
        try
        {
            foreach (var (name, pickled) in tensors)
            {
                var s = pickled.Storage;
                if (!storages.TryGetValue(s.Key, out var flat))
                    storages[s.Key] = flat = ReadStorage(zip, root, s, path);
                if (pickled.Extent > s.Numel)
                    throw new CheckpointException(
                        $"{path}: tensor '{name}' (offset {pickled.Offset}, size [{string.Join(", ", pickled.Size)}], stride [{string.Join(", ", pickled.Stride)}]) reaches element {pickled.Extent} of a storage with {s.Numel}");
                result[name] = Materialize(flat, pickled);
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        finally
        {
            // The tensors returned keep the storages they view alive inside libtorch; our handles can go.
            foreach (var t in storages.Values) t.Dispose();
        }
        return result;
    }

    internal static List<KeyValuePair<string, PickledTensor>> ReadPickledTensors(string path)
    {
        using var zip = OpenZip(path);
        return ReadPickle(zip, path).Tensors;
    }

    static Tensor Materialize(Tensor flat, PickledTensor p)
    {
        if (p.IsWholeContiguousStorage) return flat.view(p.Size);
        // A view of part of a storage, or a non-row-major one: copy it out so the result is contiguous and owns its data.
        using var view = flat.as_strided(p.Size, p.Stride, p.Offset);
        var owned = empty(p.Size, p.Storage.DType);
        owned.copy_(view);
        return owned;
    }

    static Tensor ReadStorage(ZipArchive zip, string root, PickledStorage s, string path)
    {
        string entryName = $"{root}/data/{s.Key}";
        var entry = zip.GetEntry(entryName)
                    ?? throw new CheckpointException($"{path}: the pickle refers to storage '{s.Key}' but the zip has no entry '{entryName}'");
        long bytes = s.Numel * SafeTensors.ElementSize(s.DType);
        if (entry.Length < bytes)
            throw new CheckpointException(
                $"{path}: storage '{entryName}' should hold {s.Numel} {s.DType} elements = {bytes} bytes, but has {entry.Length} bytes");
        var flat = empty(s.Numel, s.DType);
        try
        {
            // TorchSharp copies the stream into the tensor's memory in chunks: no second copy of a large embedding.
            using var src = entry.Open();
            if (bytes > 0) flat.ReadBytesFromStream(src);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or EndOfStreamException)
        {
            flat.Dispose();
            throw new CheckpointException($"{path}: could not read storage '{entryName}': {e.Message}", e);
        }
        return flat;
    }

    static (string Root, List<KeyValuePair<string, PickledTensor>> Tensors) ReadPickle(ZipArchive zip, string path)
    {
        // The archive folder is named after the file torch.save wrote ("pytorch_model", "archive", ...): find it.
        var pkl = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)
                                                  && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length)
                  ?? throw new CheckpointException($"{path}: a zip file, but not a torch checkpoint: it has no '<archive>/data.pkl' entry");
        string root = pkl.FullName[..^"/data.pkl".Length];
        if (zip.GetEntry($"{root}/byteorder") is { } order)
        {
            using var reader = new StreamReader(order.Open(), Encoding.ASCII);
            string value = reader.ReadToEnd().Trim();
            if (value != "little")
                throw new CheckpointException($"{path}: its tensors are stored '{value}'-endian; T5Sharp reads little-endian checkpoints only");
        }
        byte[] pickle;
        using (var stream = pkl.Open())
        using (var buffer = new MemoryStream())
        {
            stream.CopyTo(buffer);
            pickle = buffer.ToArray();
        }
        var top = RestrictedUnpickler.Load(pickle, path);
        if (top is not Dictionary<object, object?> dict)
            throw new CheckpointException($"{path}: expected a state dict (a dict of name → tensor) but the file holds a Python {Describe(top)}");
        var tensors = new List<KeyValuePair<string, PickledTensor>>();
        foreach (var (key, value) in dict)
        {
            if (key is not string name || value is not PickledTensor t)
                throw new CheckpointException(
                    $"{path}: expected a flat state dict of name → tensor, but key '{key}' holds a Python {Describe(value)}, not a tensor");
            tensors.Add(KeyValuePair.Create(name, t));
        }
        return (root, tensors);
    }

    static ZipArchive OpenZip(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException($"{path}: file not found");
        if (!LooksLikeTorchZip(path))
            throw new CheckpointException(
                $"{path}: not a zip-format torch checkpoint. Files from torch < 1.6 (legacy pickle/tar format) are not read; " +
                "re-save it with a current torch (torch.save) or convert it to safetensors");
        try
        {
            return ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointException($"{path}: corrupt zip archive: {e.Message}", e);
        }
    }

    static string Describe(object? value) => value switch
    {
        null => "None",
        Dictionary<object, object?> => "dict",
        List<object?> => "list",
        object?[] => "tuple",
        PickledTensor => "tensor",
        long => "int",
        double => "float",
        bool => "bool",
        string => "str",
        _ => value.GetType().Name,
    };
}
