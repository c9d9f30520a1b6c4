using T5Sharp.Pretrained;
using T5Sharp.Tests.Support;
using T5Sharp.Training;

namespace T5Sharp.Tests.Training;

/// <summary>
/// One short full fine-tuning run with report_to tensorboard (default logging_dir), evaluations with ROUGE at steps 0,
/// 3 and 6 and training logs every 2 steps; shared by the TensorBoard and model card tests.
/// </summary>
public sealed class RunTrackingFixture : IDisposable
{
    readonly TempDir _temp = new();

    public RunTrackingFixture()
    {
        string data = TrainingRunEndToEndTests.WriteData(_temp);
        Options = TrainingRunEndToEndTests.Options(TrainingRunEndToEndTests.WriteModel(_temp, 0.0), data, _temp.File("tracked-run"),
            "max_steps=6", "logging_steps=2", "eval_strategy=steps", "eval_steps=3", "eval_on_start=true", "predict_with_generate=true",
            "generation_max_length=12", "metric_for_best_model=rouge1", "report_to=tensorboard", "seed=7", "per_device_eval_batch_size=4",
            "gradient_accumulation_steps=2", "per_device_train_batch_size=4");
        using var pretrained = PretrainedT5.Load(Options.Model!);
        Result = new Seq2SeqTrainer(Options, pretrained).Train();
    }

    public RunOptions Options { get; }
    public TrainOutput Result { get; }
    public string OutputDir => Options.Training.OutputDir;

    public void Dispose() => _temp.Dispose();
}
