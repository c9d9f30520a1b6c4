using static TorchSharp.torch;

namespace T5Sharp.Formats;

/// <summary>
/// Reads the weights of a Hugging Face model folder (or one weights file) into a state dict, whatever format
/// transformers saved it in, choosing the file the way from_pretrained does: safetensors before pytorch, single before sharded.
/// </summary>
public static class CheckpointReader
{
    /// <summary>The weight files a folder is searched for, in order of preference.</summary>
    public static readonly IReadOnlyList<string> WeightFileNames =
    [
        ModelFiles.SafeTensors, ModelFiles.SafeTensorsIndex, ModelFiles.PyTorch, ModelFiles.PyTorchIndex,
    ];

    /// <summary>
    /// Every tensor of the folder's (or file's) weights, on the CPU. Floating-point tensors are converted to
    /// <paramref name="convertTo"/> (by default float32, what T5Sharp computes in); null keeps each tensor's stored dtype.
    /// Integer and bool tensors are never converted.
    /// </summary>
    public static Dictionary<string, Tensor> ReadStateDict(string folderOrFile, ScalarType? convertTo = ScalarType.Float32)
    {
        var tensors = ReadFile(FindWeights(folderOrFile));
        if (convertTo is { } target)
        {
            foreach (var name in tensors.Keys.ToList())
            {
                var t = tensors[name];
                if (!t.is_floating_point() || t.dtype == target) continue;
                tensors[name] = t.to(target);
                t.Dispose();
            }
        }
        return tensors;
    }

    /// <summary>The weights file a folder's state dict comes from; a file path is returned as it is.</summary>
    public static string FindWeights(string folderOrFile)
    {
        if (File.Exists(folderOrFile)) return folderOrFile;
        if (!Directory.Exists(folderOrFile))
            throw new CheckpointException($"{folderOrFile}: no such model folder or weights file");
        foreach (var name in WeightFileNames)
        {
            string candidate = Path.Combine(folderOrFile, name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new CheckpointException(
            $"{folderOrFile}: no model weights found; looked for {string.Join(", ", WeightFileNames)}");
    }

    /// <summary>Reads one weights file in its stored dtypes: safetensors, a torch zip, or an index of either.</summary>
    public static Dictionary<string, Tensor> ReadFile(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException($"{path}: file not found");
        if (path.EndsWith(".index.json", StringComparison.OrdinalIgnoreCase))
            return ShardedCheckpoint.Load(path, ReadFile);
        if (PyTorchCheckpoint.LooksLikeTorchZip(path) || IsPyTorchName(path)) return PyTorchCheckpoint.Load(path);
        return SafeTensors.Load(path);
    }

    /// <summary>Names, dtypes and shapes of a weights file's tensors without reading their data.</summary>
    public static List<CheckpointTensorInfo> ReadHeader(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException($"{path}: file not found");
        if (path.EndsWith(".index.json", StringComparison.OrdinalIgnoreCase))
        {
            string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
            return ShardedCheckpoint.ReadWeightMap(path).Values.Distinct()
                .SelectMany(shard => ReadHeader(Path.Combine(dir, shard))).ToList();
        }
        if (PyTorchCheckpoint.LooksLikeTorchZip(path) || IsPyTorchName(path)) return PyTorchCheckpoint.ReadHeader(path);
        return SafeTensors.ReadHeader(path).Entries.Select(e => new CheckpointTensorInfo(e.Name, e.DType, e.Shape)).ToList();
    }

    // A .bin/.pt that isn't a zip is a legacy torch file: send it to the torch reader, whose message says so.
    static bool IsPyTorchName(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".bin" or ".pt" or ".pth" or ".ckpt";
}
