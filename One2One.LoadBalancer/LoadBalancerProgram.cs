namespace One2One.LoadBalancer;

/// <summary>
/// <c>dotnet run --project One2One.LoadBalancer -- --LoadBalancer:Nodes:0=http://127.0.0.1:5001 --LoadBalancer:Nodes:1=...</c>:
/// listens on http://127.0.0.1:8080 unless <c>--urls</c> says otherwise.
/// </summary>
public static class LoadBalancerProgram
{
    public static Task Main(string[] args) => LoadBalancerApp.Build(args).RunAsync();
}
