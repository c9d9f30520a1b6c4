using System.Diagnostics;
using T5Sharp.Data;
using T5Sharp.Generation;
using T5Sharp.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Server;

/// <summary>
/// Owns the models: one thread does all tensor work. Greedy and sampling prompts are decoded with continuous batching:
/// each model has one running <see cref="DecodingCohort"/>, and at every step boundary the prompts that arrived join
/// it (encoded together, with their own encoder output and cache rows) so that one model call per step serves every
/// greedy/sampling prompt of that model (up to the batch size); a prompt leaves the step it finishes or its client goes
/// away. When nothing is running, the first prompts wait up to the batch timeout for companions. Beam search runs in
/// batches of its own between two steps of the cohorts, to the end: the beam prompts taken at one step boundary with
/// the same model and settings form one batch, as `t5sharp generate` batches a file.
/// Adapters are batched per adapter: each is its own model (a copy of the base with its LoRA), so it has its own cohort.
/// </summary>
public sealed class Scheduler : IDisposable
{
    readonly ServerOptions _options;
    readonly ServerMetrics _metrics;
    readonly object _gate = new();
    readonly Queue<GenerationJob> _pending = new();
    readonly Queue<TaskCompletionSource<long>> _tensorProbes = new();
    readonly Dictionary<ServedModel, (DecodingCohort Cohort, Dictionary<CohortRequest, GenerationJob> Jobs)> _cohorts = [];
    readonly Thread _thread;
    volatile bool _stopping;
    int _active;

    public Scheduler(ServerOptions options, ServerMetrics metrics)
    {
        _options = options;
        _metrics = metrics;
        _thread = new Thread(Loop) { IsBackground = true, Name = "t5sharp-scheduler" };
        _thread.Start();
    }

    public int Pending { get { lock (_gate) return _pending.Count; } }
    public int Active => Volatile.Read(ref _active);

    /// <summary>
    /// Tensors the scheduler thread has created and not freed, counted on that thread between two steps (TorchSharp's
    /// live-tensor statistic is per thread, and this thread makes every tensor of a request).
    /// </summary>
    public Task<long> LiveTensorsAsync()
    {
        var probe = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _tensorProbes.Enqueue(probe);
            Monitor.PulseAll(_gate);
        }
        return probe.Task;
    }

    /// <summary>Queues a prompt; false when the queue is full (the caller answers 429).</summary>
    public bool TryEnqueue(GenerationJob job)
    {
        lock (_gate)
        {
            if (_stopping || _pending.Count >= _options.MaxQueue) return false;
            _pending.Enqueue(job);
            _metrics.QueueDepth.Set(_pending.Count);
            Monitor.PulseAll(_gate);
            return true;
        }
    }

    void Loop()
    {
        TorchRuntime.Initialize();
        TorchRuntime.FlushDenormalsOnThisThread(); // per thread: this one does the tensor work
        while (true)
        {
            List<GenerationJob> taken;
            lock (_gate)
            {
                while (_tensorProbes.TryDequeue(out var probe))
                    probe.TrySetResult(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
                if (_cohorts.Count == 0)
                {
                    if (_pending.Count == 0)
                    {
                        if (_stopping) return;
                        Monitor.Wait(_gate, 100);
                        continue;
                    }
                    // the batch window: wait for companions up to the timeout or until the batch is full
                    var deadline = Stopwatch.StartNew();
                    while (_pending.Count < _options.MaxBatchSize && deadline.ElapsedMilliseconds < _options.BatchTimeoutMs)
                        Monitor.Wait(_gate, TimeSpan.FromMilliseconds(Math.Max(1, _options.BatchTimeoutMs - deadline.ElapsedMilliseconds)));
                }
                // a step boundary: whoever arrived joins now, up to the batch size
                taken = [];
                while (_pending.Count > 0 && _active + taken.Count < _options.MaxBatchSize) taken.Add(_pending.Dequeue());
                _metrics.QueueDepth.Set(_pending.Count);
            }
            try
            {
                Start(taken);
                StepAll();
            }
            catch (Exception e)
            {
                // a failure of the model (out of memory, a libtorch error) fails the prompts in flight, not the server
                foreach (var (cohort, jobs) in _cohorts.Values)
                {
                    foreach (var job in jobs.Values) Finish(job, null, e);
                    cohort.Dispose();
                }
                _cohorts.Clear();
            }
        }
    }

    void Start(List<GenerationJob> jobs)
    {
        foreach (var job in jobs.Where(j => j.Cancellation.IsCancellationRequested).ToList())
        {
            jobs.Remove(job);
            job.Complete(new JobResult([], true));
        }
        var beams = jobs.Where(j => j.IsBeam).ToList();
        jobs.RemoveAll(j => j.IsBeam);
        // beam prompts with the same model and settings are searched as one batch (rows padded, as `generate` batches
        // a file); beam sampling draws from its own seed, so each such prompt runs alone
        foreach (var group in beams.GroupBy(j => j.Config.DoSample ? (object)j : (j.Model, j.Config with { Seed = null })))
            RunBeams(group.ToList());
        foreach (var group in jobs.GroupBy(j => j.Model))
        {
            var members = group.ToList();
            var requests = members.Select(j => new CohortRequest(j.InputIds, j.Config, new TimingStreamer(j, _metrics),
                () => j.Cancellation.IsCancellationRequested)).ToList();
            Interlocked.Add(ref _active, members.Count);
            _metrics.ActiveRequests.Inc(members.Count);
            if (!_cohorts.TryGetValue(group.Key, out var entry))
                entry = (new DecodingCohort(group.Key.Pretrained.Model), []);
            try
            {
                entry.Cohort.Add(requests); // joins the running cohort at this step boundary
                foreach (var (request, job) in requests.Zip(members)) entry.Jobs[request] = job;
                _cohorts[group.Key] = entry;
            }
            catch (Exception e)
            {
                foreach (var job in members) Finish(job, null, e);
                if (!entry.Cohort.Active) entry.Cohort.Dispose();
            }
        }
    }

    /// <summary>One beam search over <paramref name="batch"/> (same model and settings) to the end, as `generate` runs a batch.</summary>
    void RunBeams(List<GenerationJob> batch)
    {
        Interlocked.Add(ref _active, batch.Count);
        _metrics.ActiveRequests.Inc(batch.Count);
        _metrics.BatchSize.Observe(batch.Count);
        long[][] sequences;
        try
        {
            using var scope = NewDisposeScope();
            var model = batch[0].Model.Pretrained.Model;
            var (ids, mask) = Batches.PadWithMask(batch.Select(j => j.InputIds).ToList(), model.Config.PadTokenId);
            sequences = Seq2SeqGenerator.Generate(model, ids, mask, batch[0].Config).Sequences;
        }
        catch (Exception e)
        {
            foreach (var job in batch) Finish(job, null, e);
            return;
        }
        int perPrompt = batch[0].Config.NumReturnSequences; // rows come prompt by prompt
        for (int i = 0; i < batch.Count; i++)
            Finish(batch[i], new JobResult(sequences.Skip(i * perPrompt).Take(perPrompt).ToArray(), false), null);
    }

    void StepAll()
    {
        foreach (var (model, entry) in _cohorts.ToList())
        {
            if (entry.Cohort.Active) _metrics.BatchSize.Observe(entry.Cohort.Count); // prompts in this model call
            foreach (var request in entry.Cohort.Step())
            {
                var job = entry.Jobs[request];
                entry.Jobs.Remove(request); // so a later failure of the cohort does not finish it twice
                Finish(job, new JobResult(request.Sequences!, request.WasCancelled), null);
            }
            if (!entry.Cohort.Active)
            {
                entry.Cohort.Dispose();
                _cohorts.Remove(model);
            }
        }
    }

    void Finish(GenerationJob job, JobResult? result, Exception? error)
    {
        Interlocked.Decrement(ref _active);
        _metrics.ActiveRequests.Dec();
        if (result is not null)
        {
            _metrics.TokensGenerated.Inc(result.Sequences.Sum(s => TokenCount.Generated(s, job.Model.Pretrained.Config)));
            job.Complete(result);
        }
        else job.Fail(error!);
    }

    /// <summary>Stops taking prompts, finishes those queued and in flight, then ends the thread.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        _thread.Join();
    }

    /// <summary>Forwards a prompt's tokens to its listener and times them.</summary>
    sealed class TimingStreamer(GenerationJob job, ServerMetrics metrics) : IGenerationStreamer
    {
        TimeSpan? _last;

        public void Put(int step, IReadOnlyList<long> tokens)
        {
            var now = job.Clock.Elapsed;
            if (_last is { } last) metrics.InterTokenLatency.Observe((now - last).TotalSeconds);
            else metrics.TimeToFirstToken.Observe(now.TotalSeconds);
            _last = now;
            job.Streamer?.Put(step, tokens);
        }

        public void End() => job.Streamer?.End();
    }
}
