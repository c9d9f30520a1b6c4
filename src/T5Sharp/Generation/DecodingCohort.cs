using T5Sharp.Data;
using T5Sharp.Generation.Processors;
using T5Sharp.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Generation;

/// <summary>
/// Greedy and sampling requests decoded step by step with one model call per step for all of them (continuous
/// batching): <see cref="Add"/> lets new requests join at a step boundary, each with its own encoder output and cache
/// rows (<see cref="T5DecoderCache.Join"/>), and a request leaves (its rows freed) the step it finishes or is
/// cancelled. Each request keeps its own settings, processors, sampling generator and stopping rule. Its tokens do not
/// depend on its companions: its rows see only its own encoder output and its own decoder keys (padding and the slots
/// before it joined are masked; T5's position bias depends only on key−query distance), its processors see only its
/// rows, and its generator draws exactly what <see cref="SampleSearch"/> draws for it alone, so the output equals a solo
/// <see cref="Seq2SeqGenerator.Generate"/> (up to float rounding of batched matrix products).
/// </summary>
public sealed class DecodingCohort : IDisposable
{
    readonly T5ForConditionalGeneration _model;
    readonly List<Member> _members = [];
    T5DecoderCache? _cache; // null while no request is in

    sealed class Member(CohortRequest request, SearchSetup setup)
    {
        public CohortRequest Request { get; } = request;
        public SearchSetup Setup { get; } = setup;
        public List<long>[] Sequences { get; } = Enumerable.Range(0, setup.Rows).Select(_ => new List<long> { setup.Start }).ToArray();
        public bool[] Finished { get; } = new bool[setup.Rows];
        public DecodingState State => new(Sequences, Setup.EncoderIds, Setup.RowsPerInput);
    }

    /// <summary>An empty cohort: requests join with <see cref="Add"/>.</summary>
    public DecodingCohort(T5ForConditionalGeneration model) => _model = model;

    public DecodingCohort(T5ForConditionalGeneration model, IReadOnlyList<CohortRequest> requests) : this(model)
    {
        if (requests.Count == 0) throw new ArgumentException("a cohort needs at least one request");
        Add(requests);
    }

    /// <summary>
    /// Encodes <paramref name="requests"/> together and joins them to the requests decoding (if any): their first token
    /// comes with the next <see cref="Step"/>. Validates every request before touching the cohort.
    /// </summary>
    public void Add(IReadOnlyList<CohortRequest> requests)
    {
        if (requests.Count == 0) return;
        var mc = _model.Config;
        var device = ModelDevice();
        var joining = new List<Member>();
        foreach (var r in requests)
        {
            var c = r.Config;
            c.Validate();
            if (c.NumBeams > 1) throw new GenerationConfigException("a decoding cohort runs greedy decoding and sampling only, not num_beams > 1");
            if (c.MaxNewTokens == 0 || c.ResolvedMaxLength < 2)
                throw new GenerationConfigException($"nothing to generate: max_new_tokens must be at least 1, got {c.MaxNewTokens}");
            if (r.InputIds.Length == 0) throw new ArgumentException("a request needs at least one input token");
        }
        foreach (var r in requests)
        {
            var c = r.Config;
            long eos = c.EosTokenId ?? mc.EosTokenId;
            joining.Add(new Member(r, new SearchSetup(c, 1, c.NumReturnSequences,
                Start: c.DecoderStartTokenId ?? mc.DecoderStartId, Eos: eos, Pad: c.PadTokenId ?? mc.PadTokenId,
                MaxLength: c.ResolvedMaxLength, Processors: LogitsPipeline.Processors(c, eos), Warpers: LogitsPipeline.Warpers(c),
                EncoderIds: [r.InputIds],
                Sampler: c.DoSample ? new torch.Generator((ulong)(c.Seed ?? Random.Shared.NextInt64()), device) : null,
                Device: device)));
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (ids, mask) = Batches.PadWithMask(requests.Select(r => r.InputIds).ToList(), mc.PadTokenId);
        var idsT = ids.to(device);
        var maskT = mask.to(device);
        var encoded = _model.Encode(idsT, maskT);
        var cache = _model.CreateDecoderCache(encoded, maskT, joining.Max(m => m.Setup.MaxLength));
        try
        {
            if (joining.Any(m => m.Setup.Rows > 1))
                cache.Reorder(tensor(joining.SelectMany((m, i) => Enumerable.Repeat((long)i, m.Setup.Rows)).ToArray()));
            if (_cache is null) _cache = cache;
            else _cache.Join(cache); // disposes it
        }
        catch
        {
            cache.Dispose();
            foreach (var m in joining) m.Setup.Sampler?.Dispose();
            throw;
        }
        _members.AddRange(joining);
    }

    /// <summary>
    /// The weights' device. TorchSharp's <c>weight</c> getter returns a new tensor handle each call: a dispose scope
    /// frees it (outside one it would stay live, a leak per cohort in a long-running server).
    /// </summary>
    Device ModelDevice()
    {
        using var scope = NewDisposeScope();
        return _model.Shared.weight!.device;
    }

    /// <summary>Whether any request is still decoding.</summary>
    public bool Active => _members.Count > 0;

    /// <summary>Requests still decoding.</summary>
    public int Count => _members.Count;

    /// <summary>Rows still decoding (a request asking for n sequences has n).</summary>
    public int Rows => _members.Sum(m => m.Setup.Rows);

    /// <summary>Decoder self-attention slots the cache holds now (bounded: leading slots no row reads are dropped).</summary>
    public long CachedPositions => _cache?.Length ?? 0;

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
        var logits = _model.DecodeStep(next, _cache!).select(1, -1).to(ScalarType.Float32).contiguous();
        var picks = new List<Tensor>();
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
            picks.Add(sample ? multinomial(scores.softmax(1), 1, generator: s.Sampler).squeeze(1) : scores.argmax(1));
        }
        var all = (picks.Count == 1 ? picks[0] : cat(picks, 0)).cpu().data<long>().ToArray(); // the step's one host read
        var leaving = new List<Member>();
        row = 0;
        foreach (var m in _members)
        {
            var s = m.Setup;
            var tokens = all.AsSpan(row, s.Rows).ToArray();
            row += s.Rows;
            for (int r = 0; r < s.Rows; r++)
            {
                if (m.Finished[r]) tokens[r] = s.Pad;
                m.Sequences[r].Add(tokens[r]);
                if (tokens[r] == s.Eos) m.Finished[r] = true;
            }
            m.Request.Streamer?.Put(m.Sequences[0].Count - 2, tokens); // its own step: 0 for its first token
            if (m.Finished.All(f => f) || m.Sequences[0].Count >= s.MaxLength) leaving.Add(m);
        }
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
        if (keep.Count == 0)
        {
            _cache?.Dispose(); // nobody left: free everything; the next Add starts a fresh cache
            _cache = null;
            return;
        }
        using (var idx = tensor(keep.ToArray()))
            _cache!.Reorder(idx); // frees the leavers' rows of every cached tensor
        _cache.Trim(_members.Max(m => m.Request.InputIds.Length)); // and the positions only they read
    }

    public void Dispose()
    {
        foreach (var m in _members) m.Setup.Sampler?.Dispose();
        _members.Clear();
        _cache?.Dispose();
        _cache = null;
    }
}
