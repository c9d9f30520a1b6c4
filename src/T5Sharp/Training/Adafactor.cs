using static TorchSharp.torch;

namespace T5Sharp.Training;

/// <summary>
/// transformers.optimization.Adafactor (Shazeer &amp; Stern 2018) as HF implements it: factored second moments (row and
/// column means of grad² + eps1) for parameters of rank ≥ 2, full second moments otherwise; β2ₜ = 1 − t^decay_rate;
/// the update is divided by max(1, RMS(update)/clip_threshold), then scaled by the step size (relative and/or
/// parameter-scaled when asked); optional first moment; weight decay (the group's) as p ← p − wd·lr·p.
/// </summary>
public sealed class Adafactor : ITrainingOptimizer
{
    sealed class State
    {
        public long Step;
        public double Rms;
        public Tensor? ExpAvg, ExpAvgSq, ExpAvgSqRow, ExpAvgSqCol;
        public IEnumerable<Tensor?> Tensors => [ExpAvg, ExpAvgSq, ExpAvgSqRow, ExpAvgSqCol];
    }

    readonly Dictionary<string, State> _state = [];

    public Adafactor(IReadOnlyList<ParameterGroup> groups, AdafactorOptions options)
    {
        options.Validate();
        Groups = groups;
        Options = options;
    }

    public IReadOnlyList<ParameterGroup> Groups { get; }
    public AdafactorOptions Options { get; }

    public void Step()
    {
        using var noGrad = no_grad();
        foreach (var group in Groups)
            foreach (var (name, p) in group.Parameters)
            {
                using var scope = NewDisposeScope(); // first: each .grad read is a new tensor handle to dispose
                var grad = p.grad;
                if (grad is null) continue;
                bool factored = p.dim() >= 2;
                if (!_state.TryGetValue(name, out var s)) _state[name] = s = NewState(p, factored);
                s.Step++;
                s.Rms = Rms(p);
                double lr = StepSize(group.LearningRate, s);
                double beta2t = 1.0 - Math.Pow(s.Step, Options.DecayRate);
                var squared = grad.square().add_(Options.Eps1);
                Tensor update;
                if (factored)
                {
                    s.ExpAvgSqRow!.mul_(beta2t).add_(squared.mean([-1L]), alpha: 1.0 - beta2t);
                    s.ExpAvgSqCol!.mul_(beta2t).add_(squared.mean([-2L]), alpha: 1.0 - beta2t);
                    update = ApproxSquaredGradRsqrt(s.ExpAvgSqRow, s.ExpAvgSqCol).mul_(grad);
                }
                else
                {
                    s.ExpAvgSq!.mul_(beta2t).add_(squared, alpha: 1.0 - beta2t);
                    update = s.ExpAvgSq.rsqrt().mul_(grad);
                }
                update.div_((RmsTensor(update) / Options.ClipThreshold).clamp_(min: 1.0));
                update.mul_(lr);
                if (Options.Beta1 is double beta1)
                {
                    s.ExpAvg!.mul_(beta1).add_(update, alpha: 1 - beta1);
                    update = s.ExpAvg;
                }
                if (group.WeightDecay != 0) p.add_(p, alpha: -group.WeightDecay * lr);
                p.add_(-update);
            }
    }

    /// <summary>HF's _get_lr: the external (scheduled) lr, or the relative step; times max(eps2, RMS(p)) if scaling.</summary>
    double StepSize(double externalLr, State s)
    {
        double stepSize = externalLr;
        if (Options.RelativeStep)
        {
            double minStep = Options.WarmupInit ? 1e-6 * s.Step : 1e-2;
            stepSize = Math.Min(minStep, 1.0 / Math.Sqrt(s.Step));
        }
        double parameterScale = Options.ScaleParameter ? Math.Max(Options.Eps2, s.Rms) : 1.0;
        return parameterScale * stepSize;
    }

    /// <summary>1/√v̂ from the factored moments: rsqrt(row / mean(row)) ⊗ rsqrt(col).</summary>
    static Tensor ApproxSquaredGradRsqrt(Tensor row, Tensor col)
    {
        var rowFactor = (row / row.mean([-1L], keepdim: true)).rsqrt_().unsqueeze(-1);
        var colFactor = col.unsqueeze(-2).rsqrt();
        return rowFactor * colFactor;
    }

    static Tensor RmsTensor(Tensor t) => t.norm() / Math.Sqrt(t.numel());

    static double Rms(Tensor t)
    {
        using var rms = RmsTensor(t);
        return rms.item<float>();
    }

    State NewState(Tensor p, bool factored)
    {
        var shape = p.shape;
        var s = new State();
        if (Options.Beta1 is not null) s.ExpAvg = zeros_like(p).DetachFromDisposeScope();
        if (factored)
        {
            s.ExpAvgSqRow = zeros(shape[..^1]).DetachFromDisposeScope();
            s.ExpAvgSqCol = zeros([.. shape[..^2], shape[^1]]).DetachFromDisposeScope();
        }
        else s.ExpAvgSq = zeros_like(p).DetachFromDisposeScope();
        return s;
    }

    public Dictionary<string, Tensor> StateDict()
    {
        var result = new Dictionary<string, Tensor>();
        foreach (var (name, s) in _state)
        {
            result[$"{name}.step"] = OptimizerStateTensors.Step(s.Step);
            // RMS is recomputed from the parameter before it is used; kept for completeness, as HF's state has it
            result[$"{name}.RMS"] = tensor(new[] { (float)s.Rms }, [1]);
            foreach (var (key, t) in Named(s)) result[$"{name}.{key}"] = t.clone();
        }
        return result;
    }

    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, string source)
    {
        var known = new HashSet<string>();
        var loaded = new Dictionary<string, State>();
        foreach (var (name, p) in Groups.SelectMany(g => g.Parameters))
        {
            if (!state.ContainsKey($"{name}.step")) continue;
            var template = NewState(p, p.dim() >= 2);
            var s = new State { Step = OptimizerStateTensors.ReadStep(state, $"{name}.step", source) };
            if (state.TryGetValue($"{name}.RMS", out var rms)) s.Rms = rms.to(ScalarType.Float32).item<float>();
            known.UnionWith([$"{name}.step", $"{name}.RMS"]);
            foreach (var (key, t) in Named(template))
            {
                var value = OptimizerStateTensors.Read(state, $"{name}.{key}", t.shape, source);
                known.Add($"{name}.{key}");
                switch (key)
                {
                    case "exp_avg": s.ExpAvg = value; break;
                    case "exp_avg_sq": s.ExpAvgSq = value; break;
                    case "exp_avg_sq_row": s.ExpAvgSqRow = value; break;
                    default: s.ExpAvgSqCol = value; break;
                }
            }
            foreach (var t in template.Tensors) t?.Dispose();
            loaded[name] = s;
        }
        OptimizerStateTensors.RejectUnknown(state, known, source);
        foreach (var t in _state.Values.SelectMany(s => s.Tensors)) t?.Dispose();
        _state.Clear();
        foreach (var (name, s) in loaded) _state[name] = s;
    }

    static IEnumerable<(string Key, Tensor Tensor)> Named(State s)
    {
        if (s.ExpAvg is not null) yield return ("exp_avg", s.ExpAvg);
        if (s.ExpAvgSq is not null) yield return ("exp_avg_sq", s.ExpAvgSq);
        if (s.ExpAvgSqRow is not null) yield return ("exp_avg_sq_row", s.ExpAvgSqRow);
        if (s.ExpAvgSqCol is not null) yield return ("exp_avg_sq_col", s.ExpAvgSqCol);
    }
}
