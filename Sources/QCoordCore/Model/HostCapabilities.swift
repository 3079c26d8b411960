/// What an agent reported about its host in `ready`: arch, cpus, KVM, Avocado, QEMU binaries.
public typealias HostCapabilities = AgentMessage.Ready
