using TorchSharp;
namespace T5Sharp.Tests;
public class SmokeTests
{
    [Fact] public void TorchLoads() { using var x = torch.ones(2, 2); Assert.Equal(4f, x.sum().item<float>()); }
}
