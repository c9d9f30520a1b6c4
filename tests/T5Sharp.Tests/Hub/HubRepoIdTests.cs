using T5Sharp.Hub;

namespace T5Sharp.Tests.Hub;

/// <summary>Names as users type them, and the cache folder names huggingface_hub derives from them.</summary>
public sealed class HubRepoIdTests
{
    [Theory]
    [InlineData("google/flan-t5-base", HubRepoType.Model, "google/flan-t5-base", "main", "models--google--flan-t5-base")]
    [InlineData("knkarthick/dialogsum", HubRepoType.Dataset, "knkarthick/dialogsum", "main", "datasets--knkarthick--dialogsum")]
    [InlineData("t5-small@v1.0", HubRepoType.Model, "t5-small", "v1.0", "models--t5-small")]
    [InlineData("google/flan-t5-small@refs/pr/3", HubRepoType.Model, "google/flan-t5-small", "refs/pr/3", "models--google--flan-t5-small")]
    public void ParsesOwnerNameAndRevision(string text, HubRepoType type, string id, string revision, string folder)
    {
        var repo = HubRepoId.Parse(text, type);
        Assert.Equal(id, repo.Id);
        Assert.Equal(revision, repo.Revision);
        Assert.Equal(folder, repo.CacheFolderName);
    }

    [Theory]
    [InlineData("a/b/c", "'a/b/c' is not a Hub repository name: expected 'owner/name' or 'name' (letters, digits, '-', '_', '.'; no '--' or '..'; at most 96 characters).")]
    [InlineData("a--b/c", "'a--b/c' is not a Hub repository name: expected 'owner/name' or 'name' (letters, digits, '-', '_', '.'; no '--' or '..'; at most 96 characters).")]
    [InlineData("google/flan@", "'google/flan@' has an empty revision after '@': expected 'owner/name@branch', '@tag' or '@commit'.")]
    [InlineData("google/flan@../../x", "'../../x' is not a usable revision of google/flan: expected a branch, tag or commit hash without '..', '\\' or a leading '/'.")]
    public void RejectsWhatIsNotARepoName(string text, string message)
    {
        var e = Assert.Throws<HubException>(() => HubRepoId.Parse(text, HubRepoType.Model));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void CommitHashesAreRecognised()
    {
        Assert.True(HubRepoId.Parse("a/b@" + new string('0', 40), HubRepoType.Model).IsCommitHash);
        Assert.False(HubRepoId.Parse("a/b@main", HubRepoType.Model).IsCommitHash);
        Assert.False(HubRepoId.Parse("a/b@" + new string('A', 40), HubRepoType.Model).IsCommitHash);
    }
}
