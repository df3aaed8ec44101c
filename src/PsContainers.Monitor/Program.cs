namespace PsContainers.Monitor;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("pscmon: not implemented yet");
        return 1;
    }
}
