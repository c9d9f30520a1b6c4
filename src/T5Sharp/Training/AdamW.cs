using static TorchSharp.torch;

namespace T5Sharp.Training;

/// <summary>
/// torch.optim.AdamW (amsgrad off, the single-tensor CPU path of torch 1.13 that the fixtures ran): decoupled weight
/// decay p ← p·(1 − lr·wd), then Adam with bias correction, eps added to √(v̂). Written out rather than wrapping
/// TorchSharp's AdamW so that its state is plain named tensors we save and load exactly.
/// </summary>
public sealed class AdamW : ITrainingOptimizer
{
    sealed class State(Tensor expAvg, Tensor expAvgSq)
    {
        public long Step;
        public Tensor ExpAvg = expAvg, ExpAvgSq = expAvgSq;
    }

    readonly Dictionary<string, State> _state = [];

    public AdamW(IReadOnlyList<ParameterGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        if (beta1 is < 0 or >= 1) throw new TrainingException($"adam_beta1 must be in [0, 1), found {beta1}");
        if (beta2 is < 0 or >= 1) throw new TrainingException($"adam_beta2 must be in [0, 1), found {beta2}");
        if (eps < 0) throw new TrainingException($"adam_epsilon must be ≥ 0, found {eps}");
        Groups = groups;
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
    }

    public IReadOnlyList<ParameterGroup> Groups { get; }
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }

    public void Step()
    {
        using var noGrad = no_grad();
        foreach (var group in Groups)
            foreach (var (name, p) in group.Parameters)
            {
                // the scope first: each .grad read is a new tensor handle to dispose
                using var scope = NewDisposeScope();
                var grad = p.grad;
                if (grad is null) continue; // torch skips parameters without a gradient
                if (!_state.TryGetValue(name, out var s))
                    _state[name] = s = new State(zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope());
                s.Step++;
                double lr = group.LearningRate;
                p.mul_(1 - lr * group.WeightDecay);
                s.ExpAvg.mul_(Beta1).add_(grad, alpha: 1 - Beta1);
                s.ExpAvgSq.mul_(Beta2).addcmul_(grad, grad, value: 1 - Beta2);
                double biasCorrection1 = 1 - Math.Pow(Beta1, s.Step);
                double biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, s.Step));
                var denom = (s.ExpAvgSq.sqrt() / biasCorrection2Sqrt).add_(Eps);
                p.addcdiv_(s.ExpAvg, denom, value: -lr / biasCorrection1);
            }
    }

    public Dictionary<string, Tensor> StateDict()
    {
        var result = new Dictionary<string, Tensor>();
        foreach (var (name, s) in _state)
        {
            result[$"{name}.step"] = OptimizerStateTensors.Step(s.Step);
            result[$"{name}.exp_avg"] = s.ExpAvg.clone();
            result[$"{name}.exp_avg_sq"] = s.ExpAvgSq.clone();
        }
        return result;
    }

    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, string source)
    {
        var known = new HashSet<string>();
        var loaded = new Dictionary<string, State>();
        foreach (var (name, p) in Groups.SelectMany(g => g.Parameters))
        {
            if (!state.ContainsKey($"{name}.step")) continue; // never stepped (no gradient yet)
            var s = new State(OptimizerStateTensors.Read(state, $"{name}.exp_avg", p.shape, source),
                OptimizerStateTensors.Read(state, $"{name}.exp_avg_sq", p.shape, source))
            { Step = OptimizerStateTensors.ReadStep(state, $"{name}.step", source) };
            loaded[name] = s;
            known.UnionWith([$"{name}.step", $"{name}.exp_avg", $"{name}.exp_avg_sq"]);
        }
        OptimizerStateTensors.RejectUnknown(state, known, source);
        foreach (var s in _state.Values) { s.ExpAvg.Dispose(); s.ExpAvgSq.Dispose(); }
        _state.Clear();
        foreach (var (name, s) in loaded) _state[name] = s;
    }
}
