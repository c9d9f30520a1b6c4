namespace T5Sharp.Pretrained;

/// <summary>A file of a model folder: its name relative to the folder and its size in bytes.</summary>
public sealed record ModelFolderFile(string Name, long Bytes);
