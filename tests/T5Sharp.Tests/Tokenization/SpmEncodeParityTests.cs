using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using T5Sharp.Tests.Support;
using static T5Sharp.Tests.Tokenization.TokenizerFixtures;

namespace T5Sharp.Tests.Tokenization;

/// <summary>
/// Google's own SentencePiece CLI (Debian's spm_encode 0.1.97) as the reference, on every dialogue and summary of the
/// DialogSum and SAMSum test sets with the real spiece.model. spm_encode reads one sentence per line, so each text is
/// checked twice: (1) line by line, each line encoded on its own by both sides; (2) as a whole: our encoding of the
/// original text (with its newlines) against spm_encode of the text with '\n' replaced by ' ' on one line. T5's
/// normaliser maps '\n' to a space, so (2) is the whole-text comparison; it is also what decides score ties.
/// </summary>
public class SpmEncodeParityTests
{
    [Fact]
    public void Every_DialogSum_and_SAMSum_test_text_matches_spm_encode()
    {
        var texts = new List<(string Name, string Text)>();
        int dialogsum = 0;
        foreach (string line in File.ReadLines(Path.Combine(SharedPaths.Data, "dialogsum", "dialogsum.test.jsonl")))
        {
            using var rec = JsonDocument.Parse(line);
            string fname = rec.RootElement.GetProperty("fname").GetString()!;
            foreach (string field in new[] { "dialogue", "summary1", "summary2", "summary3" })
                texts.Add(($"dialogsum {fname}.{field}", rec.RootElement.GetProperty(field).GetString()!));
            dialogsum++;
        }
        var samsum = Load(Path.Combine(SharedPaths.Data, "samsum", "test.json"));
        foreach (var rec in samsum.EnumerateArray())
            foreach (string field in new[] { "dialogue", "summary" })
                texts.Add(($"samsum {rec.GetProperty("id").GetString()}.{field}", rec.GetProperty(field).GetString()!));
        Assert.Equal(500, dialogsum);
        Assert.Equal(500 * 4 + 819 * 2, texts.Count);

        // All requests in one spm_encode process: first every text as one line, then every line of every text.
        var requests = new List<(string Name, string Line, string Ours)>();
        foreach (var (name, text) in texts) requests.Add((name + " (whole)", text.Replace('\n', ' '), text));
        foreach (var (name, text) in texts)
        {
            string[] lines = text.Split('\n');
            for (int i = 0; i < lines.Length; i++) requests.Add(($"{name} line {i}", lines[i], lines[i]));
        }
        string[] spmOutput = RunSpmEncode(requests.Select(r => r.Line));
        Assert.Equal(requests.Count, spmOutput.Length);

        var failures = new List<string>();
        for (int i = 0; i < requests.Count; i++)
        {
            int[] expected = spmOutput[i].Length == 0 ? [] : spmOutput[i].Split(' ').Select(int.Parse).ToArray();
            int[] actual = Real.Encode(requests[i].Ours, addEos: false);
            if (!expected.SequenceEqual(actual))
                failures.Add($"{requests[i].Name}: spm_encode [{string.Join(",", expected)}] vs ours [{string.Join(",", actual)}]");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests.Count} differ:\n" + string.Join("\n", failures.Take(10)));
        Assert.True(requests.Count > 3 * texts.Count, $"only {requests.Count} lines compared");
    }

    static string[] RunSpmEncode(IEnumerable<string> lines)
    {
        string model = Path.Combine(SharedPaths.RealTokenizer, "spiece.model");
        var psi = new ProcessStartInfo("spm_encode", ["--model=" + model, "--output_format=id"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false), StandardOutputEncoding = Encoding.UTF8,
        };
        Process process;
        try { process = Process.Start(psi)!; }
        catch (Win32Exception e)
        {
            Assert.Fail($"spm_encode (SentencePiece's CLI) is not installed; install it with `apt-get install -y sentencepiece`. ({e.Message})");
            throw;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            foreach (string line in lines) { process.StandardInput.Write(line); process.StandardInput.Write('\n'); }
            process.StandardInput.Close();
            if (!process.WaitForExit(60_000)) { process.Kill(); Assert.Fail("spm_encode did not finish within 60 s"); }
            Assert.True(process.ExitCode == 0, $"spm_encode exited with {process.ExitCode}: {stderr.Result}");
            string output = stdout.Result;
            if (output.EndsWith('\n')) output = output[..^1];
            return output.Split('\n');
        }
    }
}
