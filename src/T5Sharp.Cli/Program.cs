using TorchSharp;
T5Sharp.Runtime.TorchRuntime.Initialize();
using var x = torch.ones(2, 2);
Console.WriteLine(x.sum().item<float>());
