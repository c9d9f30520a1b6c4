using T5Sharp.Generation.Processors;
using T5Sharp.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Generation;

/// <summary>
/// Several greedy or sampling requests encoded together and decoded one step at a time, one model call per step for
/// all of them; each request keeps its own settings, processors, sampling generator and stopping rule, and leaves the
/// batch (its cache rows freed) as soon as it finishes or is cancelled. A request's tokens do not depend on its
/// companions: its rows see only its own encoder output (padding is masked), its processors see only its rows, and its
/// generator draws exactly what <see cref="SampleSearch"/> draws for it alone, so the output equals a solo
/// <see cref="Seq2SeqGenerator.Generate"/> (up to float rounding of batched matrix products).
/// </summary>
public sealed class DecodingCohort : IDisposable
{
    readonly T5ForConditionalGeneration _model;
    readonly List<Member> _members = [];
    readonly T5DecoderCache _cache;
    int _step;

    sealed class Member(CohortRequest request, SearchSetup setup)
    {
        public CohortRequest Request { get; } = request;
        public SearchSetup Setup { get; } = setup;
        public List<long>[] Sequences { get; } = Enumerable.Range(0, setup.Rows).Select(_ => new List<long> { setup.Start }).ToArray();
        public bool[] Finished { get; } = new bool[setup.Rows];
        public DecodingState State => new(Sequences, Setup.EncoderIds, Setup.RowsPerInput);
    }

    public DecodingCohort(T5ForConditionalGeneration model, IReadOnlyList<CohortRequest> requests)
    {
        if (requests.Count == 0) throw new ArgumentException("a cohort needs at least one request");
        _model = model;
        var mc = model.Config;
        foreach (var r in requests)
        {
            var c = r.Config;
            c.Validate();
            if (c.NumBeams > 1) throw new GenerationConfigException("a decoding cohort runs greedy decoding and sampling only, not num_beams > 1");
            if (c.MaxNewTokens == 0 || c.ResolvedMaxLength < 2)
                throw new GenerationConfigException($"nothing to generate: max_new_tokens must be at least 1, got {c.MaxNewTokens}");
            if (r.InputIds.Length == 0) throw new ArgumentException("a request needs at least one input token");
            long eos = c.EosTokenId ?? mc.EosTokenId;
            var device = model.Shared.weight!.device;
            _members.Add(new Member(r, new SearchSetup(c, 1, c.NumReturnSequences,
                Start: c.DecoderStartTokenId ?? mc.DecoderStartId, Eos: eos, Pad: c.PadTokenId ?? mc.PadTokenId,
                MaxLength: c.ResolvedMaxLength, Processors: LogitsPipeline.Processors(c, eos), Warpers: LogitsPipeline.Warpers(c),
                EncoderIds: [r.InputIds],
                Sampler: c.DoSample ? new torch.Generator((ulong)(c.Seed ?? Random.Shared.NextInt64()), device) : null,
                Device: device)));
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int width = requests.Max(r => r.InputIds.Length);
        long pad = mc.PadTokenId;
        var ids = new long[requests.Count * width];
        var mask = new long[requests.Count * width];
        for (int i = 0; i < requests.Count; i++)
        {
            Array.Fill(ids, pad, i * width, width);
            requests[i].InputIds.CopyTo(ids, i * width);
            Array.Fill(mask, 1L, i * width, requests[i].InputIds.Length);
        }
        var device0 = _members[0].Setup.Device;
        var idsT = tensor(ids, [requests.Count, width]).to(device0);
        var maskT = tensor(mask, [requests.Count, width]).to(device0);
        var encoded = model.Encode(idsT, maskT);
        _cache = model.CreateDecoderCache(encoded, maskT, _members.Max(m => m.Setup.MaxLength));
        if (_members.Any(m => m.Setup.Rows > 1))
            _cache.Reorder(tensor(_members.SelectMany((m, i) => Enumerable.Repeat((long)i, m.Setup.Rows)).ToArray()));
    }

    /// <summary>Whether any request is still decoding.</summary>
    public bool Active => _members.Count > 0;

    /// <summary>Requests still decoding.</summary>
    public int Count => _members.Count;

    /// <summary>
    /// One decoder step for every request still in: drops cancelled ones first, then picks each row's next token;
    /// returns the requests that finished (their <see cref="CohortRequest.Sequences"/> set).
    /// </summary>
    public List<CohortRequest> Step()
    {
        var done = new List<CohortRequest>();
        var cancelled = _members.Where(m => m.Request.Cancelled?.Invoke() == true).ToList();
        foreach (var m in cancelled) m.Request.WasCancelled = true;
        if (cancelled.Count > 0) Remove(cancelled, done);
        if (_members.Count == 0) return done;

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var last = _members.SelectMany(m => m.Sequences.Select(q => q[^1])).ToArray();
        var device = _members[0].Setup.Device;
        var next = tensor(last, [last.Length, 1]).to(device);
        var logits = _model.DecodeStep(next, _cache).select(1, -1).to(ScalarType.Float32).contiguous();
        var leaving = new List<Member>();
        int row = 0;
        foreach (var m in _members)
        {
            var s = m.Setup;
            var scores = logits.narrow(0, row, s.Rows);
            row += s.Rows;
            // as SampleSearch does for this request alone
            scores = LogitsPipeline.Apply(s.Processors, m.State, scores);
            bool sample = s.Config.DoSample;
            if (sample) scores = LogitsPipeline.Apply(s.Warpers, m.State, scores);
            var picked = sample ? multinomial(scores.softmax(1), 1, generator: s.Sampler).squeeze(1) : scores.argmax(1);
            var tokens = picked.cpu().data<long>().ToArray();
            for (int r = 0; r < s.Rows; r++)
            {
                if (m.Finished[r]) tokens[r] = s.Pad;
                m.Sequences[r].Add(tokens[r]);
                if (tokens[r] == s.Eos) m.Finished[r] = true;
            }
            m.Request.Streamer?.Put(_step, tokens);
            if (m.Finished.All(f => f) || m.Sequences[0].Count >= s.MaxLength) leaving.Add(m);
        }
        _step++;
        if (leaving.Count > 0) Remove(leaving, done);
        return done;
    }

    void Remove(List<Member> leaving, List<CohortRequest> done)
    {
        foreach (var m in leaving)
        {
            m.Request.Sequences = m.Sequences.Select(q => q.ToArray()).ToArray();
            m.Request.Streamer?.End();
            m.Setup.Sampler?.Dispose();
            done.Add(m.Request);
        }
        var keep = new List<long>();
        int row = 0;
        foreach (var m in _members)
        {
            if (!leaving.Contains(m)) keep.AddRange(Enumerable.Range(row, m.Setup.Rows).Select(r => (long)r));
            row += m.Setup.Rows;
        }
        _members.RemoveAll(leaving.Contains);
        if (keep.Count > 0)
        {
            using var idx = tensor(keep.ToArray());
            _cache.Reorder(idx); // frees the leavers' rows of every cached tensor
        }
    }

    public void Dispose()
    {
        foreach (var m in _members) m.Setup.Sampler?.Dispose();
        _members.Clear();
        _cache.Dispose();
    }
}
