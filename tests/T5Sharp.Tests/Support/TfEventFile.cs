using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;

namespace T5Sharp.Tests.Support;

/// <summary>
/// An independent reader of TensorBoard event files, sharing no code with the writer: TFRecord framing (uint64 length,
/// masked CRC32C of the length bytes, data, masked CRC32C of the data — both checked) and the Event protobuf decoded field
/// by field from tensorflow's event.proto / summary.proto numbers with a bare <see cref="CodedInputStream"/>.
/// </summary>
public static class TfEventFile
{
    public sealed record Value(string Tag, float? SimpleValue, string? Text, string? PluginName);

    public sealed record Event(double WallTime, long Step, string? FileVersion, IReadOnlyList<Value> Values);

    public static IReadOnlyList<Event> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        int at = 0;
        while (at < bytes.Length)
        {
            if (bytes.Length - at < 12) throw new InvalidDataException($"{path}: truncated record header at byte {at}");
            var lengthBytes = bytes.AsSpan(at, 8);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8, 4));
            if (lengthCrc != MaskedCrc32C(lengthBytes)) throw new InvalidDataException($"{path}: length CRC mismatch at byte {at}");
            if ((ulong)(bytes.Length - at - 16) < length) throw new InvalidDataException($"{path}: truncated record at byte {at}");
            var data = bytes.AsSpan(at + 12, (int)length);
            uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + (int)length, 4));
            if (dataCrc != MaskedCrc32C(data)) throw new InvalidDataException($"{path}: data CRC mismatch at byte {at}");
            events.Add(DecodeEvent(data.ToArray()));
            at += 16 + (int)length;
        }
        return events;
    }

    /// <summary>TFRecord's mask: rotate the CRC right by 15 bits and add 0xa282ead8.</summary>
    public static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32C(data);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }

    /// <summary>CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), bit by bit.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return ~crc;
    }

    static Event DecodeEvent(byte[] data)
    {
        var input = new CodedInputStream(data);
        double wallTime = 0;
        long step = 0;
        string? fileVersion = null;
        var values = new List<Value>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: wallTime = input.ReadDouble(); break;
                case 2: step = input.ReadInt64(); break;
                case 3: fileVersion = input.ReadString(); break;
                case 5: values.AddRange(DecodeSummary(input.ReadBytes().ToByteArray())); break;
                default: input.SkipLastField(); break;
            }
        }
        return new Event(wallTime, step, fileVersion, values);
    }

    static IEnumerable<Value> DecodeSummary(byte[] data)
    {
        var input = new CodedInputStream(data);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
            if (WireFormat.GetTagFieldNumber(tag) == 1) yield return DecodeValue(input.ReadBytes().ToByteArray());
            else input.SkipLastField();
    }

    // Summary.Value: tag = 1, simple_value = 2, tensor = 8, metadata = 9
    static Value DecodeValue(byte[] data)
    {
        var input = new CodedInputStream(data);
        string tagName = "";
        float? simple = null;
        string? text = null, plugin = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: tagName = input.ReadString(); break;
                case 2: simple = input.ReadFloat(); break;
                case 8: text = DecodeStringTensor(input.ReadBytes().ToByteArray()); break;
                case 9: plugin = DecodePluginName(input.ReadBytes().ToByteArray()); break;
                default: input.SkipLastField(); break;
            }
        }
        return new Value(tagName, simple, text, plugin);
    }

    // TensorProto: string_val = 8 (repeated bytes); the text plugin writes one string
    static string? DecodeStringTensor(byte[] data)
    {
        var input = new CodedInputStream(data);
        var parts = new List<string>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
            if (WireFormat.GetTagFieldNumber(tag) == 8) parts.Add(Encoding.UTF8.GetString(input.ReadBytes().ToByteArray()));
            else input.SkipLastField();
        return parts.Count == 0 ? null : string.Concat(parts);
    }

    // SummaryMetadata: plugin_data = 1 { plugin_name = 1 }
    static string? DecodePluginName(byte[] data)
    {
        var input = new CodedInputStream(data);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) != 1) { input.SkipLastField(); continue; }
            var plugin = new CodedInputStream(input.ReadBytes().ToByteArray());
            uint inner;
            while ((inner = plugin.ReadTag()) != 0)
                if (WireFormat.GetTagFieldNumber(inner) == 1) return plugin.ReadString();
                else plugin.SkipLastField();
        }
        return null;
    }
}
