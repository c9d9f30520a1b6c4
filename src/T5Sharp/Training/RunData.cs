using T5Sharp.Data;
using T5Sharp.Tokenization;

namespace T5Sharp.Training;

/// <summary>
/// The training and evaluation sets of a run, tokenized: from the data file(s), an eval file or a held-out
/// validation split, limited to max_train_samples / max_eval_samples, as run_summarization.py prepares them.
/// </summary>
public sealed class RunData
{
    RunData(Seq2SeqTokenizedDataset train, Seq2SeqTokenizedDataset? eval, IReadOnlyList<Seq2SeqExample> evalExamples)
    {
        Train = train;
        Eval = eval;
        EvalExamples = evalExamples;
    }

    public Seq2SeqTokenizedDataset Train { get; }
    /// <summary>null when the run has no evaluation data.</summary>
    public Seq2SeqTokenizedDataset? Eval { get; }
    /// <summary>The evaluation pairs as text (their targets are the ROUGE references).</summary>
    public IReadOnlyList<Seq2SeqExample> EvalExamples { get; }

    /// <summary>Reads and tokenizes; a bad record, missing field or empty data set throws naming the file (and line).</summary>
    public static RunData Load(RunOptions options, T5Tokenizer tokenizer)
    {
        var files = options.DataFiles;
        if (files.Count == 0) throw new TrainingException("run option data (the training file) is missing");
        if (options.SourceField is null && options.Template is null)
            throw new TrainingException("run options need source_field or template (how to build the model input from a record)");
        if (options.TargetField is null) throw new TrainingException("run option target_field (the text to learn) is missing");
        var mapper = new SourceTargetMapper(options.SourceField, options.TargetField,
            options.Template is null ? null : new PromptTemplate(options.Template));
        foreach (var file in files.Append(options.EvalData).OfType<string>())
            if (!File.Exists(file)) throw new TrainingException($"{file}: data file not found");

        IReadOnlyList<Seq2SeqExample> train = files.SelectMany(mapper.MapFile).ToList();
        IReadOnlyList<Seq2SeqExample> eval = [];
        if (options.EvalData is not null)
            eval = mapper.MapFile(options.EvalData);
        else if (options.ValidationSplit > 0)
        {
            var parts = DatasetSplitter.Split(train, [1 - options.ValidationSplit, options.ValidationSplit], options.SplitSeed);
            (train, eval) = (parts[0], parts[1]);
            if (train.Count == 0 || eval.Count == 0)
                throw new TrainingException(
                    $"validation_split {options.ValidationSplit} of {train.Count + eval.Count} records leaves an empty training or evaluation set");
        }
        if (options.MaxTrainSamples is int maxTrain) train = train.Take(maxTrain).ToList();
        if (options.MaxEvalSamples is int maxEval) eval = eval.Take(maxEval).ToList();
        if (eval.Count == 0 && (options.Training.EvalStrategy != "no" || options.Training.EvalOnStart))
            throw new TrainingException(
                $"eval_strategy {options.Training.EvalStrategy} needs evaluation data: set eval_data or validation_split");

        var trainSet = Seq2SeqTokenizedDataset.Create(train, tokenizer, options.MaxSourceLength, options.MaxTargetLength);
        var evalSet = eval.Count == 0 ? null : Seq2SeqTokenizedDataset.Create(eval, tokenizer, options.MaxSourceLength, options.MaxTargetLength);
        return new RunData(trainSet, evalSet, eval);
    }
}
