namespace T5Sharp.Data.Readers;

/// <summary>A file format that yields records (string-keyed field maps with their location), in file order.</summary>
public interface IRecordSource
{
    IEnumerable<DataRecord> Read(string path);
}
