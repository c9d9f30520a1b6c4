using T5Sharp.Kernels;
using static TorchSharp.torch;

namespace T5Sharp.Training;

/// <summary>
/// torch.optim.AdamW (amsgrad off, the single-tensor CPU path of torch 1.13 that the fixtures ran): decoupled weight
/// decay p ← p·(1 − lr·wd), then Adam with bias correction, eps added to √(v̂). Written out rather than wrapping
/// TorchSharp's AdamW so that its state is plain named tensors we save and load exactly; float32 parameters are
/// updated by one fused pass (<see cref="AdamWKernel"/>), others by the same formula in libtorch ops.
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
        // the scope first: each .grad read is a new tensor handle, kept alive until the fused pass below is done
        using var scope = NewDisposeScope();
        var fused = new List<FusedChunk>();
        foreach (var group in Groups)
            foreach (var (name, p) in group.Parameters)
            {
                var grad = p.grad;
                if (grad is null) continue; // torch skips parameters without a gradient
                if (!_state.TryGetValue(name, out var s))
                    _state[name] = s = new State(zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope());
                s.Step++;
                var scalars = AdamWKernel.Scalars.For(group.LearningRate, group.WeightDecay, Beta1, Beta2, Eps, s.Step);
                if (new[] { p, grad, s.ExpAvg, s.ExpAvgSq }.All(TensorMemory.IsDenseFloat32))
                    FusedChunk.Split(fused, p, grad, s.ExpAvg, s.ExpAvgSq, scalars);
                else
                    StepWithTensorOps(p, grad, s, group.LearningRate, group.WeightDecay);
            }
        FusedChunk.RunAll(fused);
    }

    /// <summary>The same update as separate libtorch ops, for tensors the fused pass can't take (half precision, strided).</summary>
    void StepWithTensorOps(Tensor p, Tensor grad, State s, double lr, double weightDecay)
    {
        using var scope = NewDisposeScope();
        if (weightDecay != 0) p.mul_(1 - lr * weightDecay);
        s.ExpAvg.mul_(Beta1).add_(grad, alpha: 1 - Beta1);
        s.ExpAvgSq.mul_(Beta2).addcmul_(grad, grad, value: 1 - Beta2);
        double biasCorrection1 = 1 - Math.Pow(Beta1, s.Step);
        double biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, s.Step));
        var denom = (s.ExpAvgSq.sqrt() / biasCorrection2Sqrt).add_(Eps);
        p.addcdiv_(s.ExpAvg, denom, value: -lr / biasCorrection1);
    }

    /// <summary>A slice of one parameter's fused update: big parameters are split so both cores share the pass.</summary>
    readonly unsafe record struct FusedChunk(IntPtr P, IntPtr G, IntPtr M, IntPtr V, long Count, AdamWKernel.Scalars Scalars)
    {
        const long Size = 1 << 16;

        public static void Split(List<FusedChunk> chunks, Tensor p, Tensor g, Tensor m, Tensor v, AdamWKernel.Scalars scalars)
        {
            float* pp = TensorMemory.Floats(p, "parameter"), gp = TensorMemory.Floats(g, "gradient");
            float* mp = TensorMemory.Floats(m, "exp_avg"), vp = TensorMemory.Floats(v, "exp_avg_sq");
            long n = p.numel();
            for (long start = 0; start < n; start += Size)
                chunks.Add(new FusedChunk((IntPtr)(pp + start), (IntPtr)(gp + start), (IntPtr)(mp + start), (IntPtr)(vp + start),
                    Math.Min(Size, n - start), scalars));
        }

        public static void RunAll(List<FusedChunk> chunks) =>
            Parallel.ForEach(chunks, c => AdamWKernel.Update((float*)c.P, (float*)c.G, (float*)c.M, (float*)c.V, c.Count, c.Scalars));
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
