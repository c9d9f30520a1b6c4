namespace T5Sharp.Hub;

/// <summary>The kind of Hub repository; it decides the URL prefix and the cache folder prefix.</summary>
public enum HubRepoType
{
    Model,
    Dataset,
}
