using System.Text.Json;
using System.Text.Json.Serialization;

namespace T5Sharp.Training;

/// <summary>
/// report_to as HF takes it: one name ("tensorboard", "none", "all") or a list of names; always written back as a list,
/// the form HF's to_dict gives.
/// </summary>
public sealed class ReportToConverter : JsonConverter<List<string>>
{
    public override List<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null: return [];
            case JsonTokenType.String: return [reader.GetString()!];
            case JsonTokenType.StartArray:
                var names = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    names.Add(reader.TokenType == JsonTokenType.String ? reader.GetString()!
                        : throw new JsonException($"report_to must name integrations as strings, found {reader.TokenType}"));
                return names;
            default: throw new JsonException($"report_to must be a name or a list of names, found {reader.TokenType}");
        }
    }

    public override void Write(Utf8JsonWriter writer, List<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (string name in value) writer.WriteStringValue(name);
        writer.WriteEndArray();
    }
}
