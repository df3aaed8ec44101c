namespace PsContainers.Runtime;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("pscrun: not implemented yet");
        return 1;
    }
}
