namespace T5Sharp.Data;

/// <summary>One example as token ids, unpadded (the collator pads per micro-batch): input ids and label ids, each ending in &lt;/s&gt;.</summary>
public sealed record TokenizedExample(long[] InputIds, long[] Labels, RecordLocation Location);
