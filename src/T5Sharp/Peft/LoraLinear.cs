using T5Sharp.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T5Sharp.Peft;

#pragma warning disable IDE1006 // field names are peft's state-dict keys

/// <summary>
/// peft's lora.Linear for a bias-free T5 projection: y = W x + Σ_active scaling · B(A(dropout(x))).
/// The base weight is registered as <c>weight</c> — not under peft's <c>base_layer</c> — so the wrapped model's
/// state-dict keys for the base weights stay HF's; the adapters live under <c>lora_A.&lt;adapter&gt;.weight</c> and
/// <c>lora_B.&lt;adapter&gt;.weight</c>, peft's in-memory names.
/// </summary>
public sealed class LoraLinear : nn.Module<Tensor, Tensor>
{
    Parameter weight;
    readonly LoraAdapterModules lora_A, lora_B;
    readonly Linear _baseLayer; // handed back by Unwrap; not registered (its weight is ours)
    readonly Dictionary<string, double> _scaling = new(), _dropout = new();
    readonly List<string> _merged = new();
    IReadOnlyList<string> _active = [];

    public LoraLinear(Linear baseLayer) : base(nameof(LoraLinear))
    {
        if (baseLayer.bias is not null) throw new ArgumentException("LoraLinear wraps bias-free linear layers only (as T5's are)");
        _baseLayer = baseLayer;
        weight = baseLayer.weight!;
        lora_A = new LoraAdapterModules();
        lora_B = new LoraAdapterModules();
        RegisterComponents();
    }

    public long InFeatures => weight.shape[1];
    public long OutFeatures => weight.shape[0];
    public Parameter Weight => weight;
    public IReadOnlyCollection<string> Adapters => _scaling.Keys;
    public IReadOnlyList<string> MergedAdapters => _merged;
    public bool IsMerged => _merged.Count > 0;
    /// <summary>Adapters applied in forward (unless merged); empty = base layer only (peft's disable_adapters).</summary>
    public IReadOnlyList<string> ActiveAdapters { get => _active; set => _active = value.ToArray(); }

    public Linear LoraA(string adapter) => lora_A[adapter];
    public Linear LoraB(string adapter) => lora_B[adapter];
    public double Scaling(string adapter) => _scaling[adapter];

    /// <summary>peft's update_layer: A [r, in] and B [out, r], initialised as <paramref name="init"/> says.</summary>
    public void AddAdapter(string adapter, int rank, double scaling, double dropout, LoraInit init)
    {
        if (_scaling.ContainsKey(adapter)) throw new PeftException($"adapter '{adapter}' already exists on this layer");
        // On a bf16 (or float16) base the adapter is float32, as peft's autocast_adapter_dtype keeps it: its weights
        // are small, and its delta is added in float32 before the result is rounded back to the base's dtype.
        var adapterType = weight.dtype is ScalarType.BFloat16 or ScalarType.Float16 ? ScalarType.Float32 : weight.dtype;
        var a = nn.Linear(InFeatures, rank, hasBias: false, dtype: adapterType, device: weight.device);
        var b = nn.Linear(rank, OutFeatures, hasBias: false, dtype: adapterType, device: weight.device);
        using (no_grad())
        {
            switch (init)
            {
                case LoraInit.Default: // nn.Linear already drew A Kaiming-uniform with a = √5
                    b.weight!.zero_();
                    break;
                case LoraInit.Gaussian:
                    a.weight!.normal_(0.0, 1.0 / rank);
                    b.weight!.zero_();
                    break;
                case LoraInit.Random:
                    break;
            }
        }
        lora_A.Add(adapter, a);
        lora_B.Add(adapter, b);
        _scaling[adapter] = scaling;
        _dropout[adapter] = dropout;
    }

    public void DeleteAdapter(string adapter)
    {
        if (_merged.Contains(adapter)) throw new PeftException($"adapter '{adapter}' is merged; unmerge it before deleting it");
        lora_A.Remove(adapter);
        lora_B.Remove(adapter);
        _scaling.Remove(adapter);
        _dropout.Remove(adapter);
        _active = _active.Where(a => a != adapter).ToArray();
    }

    /// <summary>Drops every adapter (merged ones included: their deltas stay in the weight), for unload.</summary>
    internal void ReleaseAdapters()
    {
        _merged.Clear();
        foreach (var adapter in _scaling.Keys.ToList()) DeleteAdapter(adapter);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var result = nn.functional.linear(x, weight);
        var resultType = result.dtype;
        if (_merged.Count == 0)
            foreach (var adapter in _active)
            {
                if (!_scaling.ContainsKey(adapter)) continue; // like peft: layers the adapter doesn't target
                var adapterType = lora_A[adapter].weight!.dtype;
                var h = InvertedDropout.Apply(x.dtype == adapterType ? x : x.to(adapterType), _dropout[adapter], training);
                result = result + lora_B[adapter].forward(lora_A[adapter].forward(h)) * _scaling[adapter];
            }
        // peft: back to the base layer's dtype (bf16 on a bf16 base), so that q, k and v stay one dtype
        if (result.dtype != resultType) result = result.to(resultType);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>W += scaling · B A (peft's get_delta_weight), in place; later forwards use W only.</summary>
    public void Merge(string adapter)
    {
        if (!_scaling.ContainsKey(adapter) || _merged.Contains(adapter)) return;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        weight.add_(DeltaWeight(adapter));
        _merged.Add(adapter);
    }

    /// <summary>Subtracts every merged adapter's delta again, newest first (peft's unmerge).</summary>
    public void Unmerge()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = _merged.Count - 1; i >= 0; i--) weight.sub_(DeltaWeight(_merged[i]));
        _merged.Clear();
    }

    /// <summary>scaling · B A in the adapter's dtype (float32 on a bf16 base; add_/sub_ round it into the weight).</summary>
    public Tensor DeltaWeight(string adapter) =>
        lora_B[adapter].weight!.matmul(lora_A[adapter].weight!).mul_(_scaling[adapter]);

    /// <summary>The plain linear layer holding this layer's (possibly merged) weight, for putting back in the model.</summary>
    public Linear Unwrap()
    {
        _baseLayer.weight = weight;
        return _baseLayer;
    }
}
