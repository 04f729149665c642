import Foundation

/// The demo cloud: a small, hand-written scenario that `spotctl demo` and `spotctl simulate`
/// (without `--scenario` or `--hosts`) run on. Printed by `spotctl simulate --print-scenario`.
public enum DemoScenario {
    public static func load() -> Scenario {
        // The text is ours and fixed; a failure here is a bug caught by the tests.
        try! ScenarioFile.decode(Data(yaml.utf8), name: "the built-in demo scenario")
    }

    public static let yaml = """
    # The spotctl demo cloud: three sites, four GPU types, every pool, and a few awkward cases.
    name: demo
    region: RegionOne
    projects:
      - {id: 5a1f3c0e9b2d4e6f8a7b6c5d4e3f2a10, name: research}
      - {id: 6b2e4d1f0c3e5f7a9b8c7d6e5f4a3b21, name: customer1}
      - {id: 7c3f5e2a1d4f6a8b0c9d8e7f6a5b4c32, name: "Jörg's \\"GPU\\" <lab>"}
    aggregates:
      - {id: 1, name: L40-n3, hosts: [CA1-ESC812-101, CA1-ESC812-102]}
      - {id: 2, name: L40-n3-spot, hosts: [CA1-ESC812-103, CA1-ESC812-104]}
      - {id: 3, name: L40-n3-runpod, hosts: [CA1-ESC812-105]}
      - {id: 4, name: Contract-L40-Customer1, hosts: [CA1-ESC812-106]}
      - {id: 5, name: H100-SXM5-n3, hosts: [US1-HGXH100-201]}
      - {id: 6, name: H100-SXM5-n3-NVLink, hosts: [US1-HGXH100-202]}
      - {id: 7, name: H100-SXM5-n3-spot, hosts: [US1-HGXH100-203]}
      - {id: 8, name: H100-SXM5-n3-runpod, hosts: []}
      - {id: 9, name: RTX-A6000-n3, hosts: [NO1-ESC408-301]}
      - {id: 10, name: RTX-A6000-n3-spot, hosts: [NO1-ESC408-302]}
      - {id: 11, name: A100-n3-spot, hosts: []}
      - {id: 12, name: az-ca1, availability_zone: az-ca1, metadata: {availability_zone: az-ca1},
         hosts: [CA1-ESC812-101, CA1-ESC812-102, CA1-ESC812-103, CA1-ESC812-104, CA1-ESC812-105, CA1-ESC812-106, CA1-CPU-01]}
    hosts:
      - {name: CA1-ESC812-101, hypervisor_hostname: ca1-esc812-101.compute.internal, zone: az-ca1, host_ip: 10.0.0.101}
      - {name: CA1-ESC812-102, hypervisor_hostname: ca1-esc812-102.compute.internal, zone: az-ca1, host_ip: 10.0.0.102}
      - {name: CA1-ESC812-103, hypervisor_hostname: ca1-esc812-103.compute.internal, zone: az-ca1, host_ip: 10.0.0.103}
      - {name: CA1-ESC812-104, hypervisor_hostname: ca1-esc812-104.compute.internal, zone: az-ca1, host_ip: 10.0.0.104}
      - {name: CA1-ESC812-105, hypervisor_hostname: ca1-esc812-105.compute.internal, zone: az-ca1, host_ip: 10.0.0.105}
      - {name: CA1-ESC812-106, hypervisor_hostname: ca1-esc812-106.compute.internal, zone: az-ca1, host_ip: 10.0.0.106}
      - {name: CA1-CPU-01, hypervisor_hostname: ca1-cpu-01.compute.internal, zone: az-ca1, host_ip: 10.0.0.201}
      - {name: US1-HGXH100-201, hypervisor_hostname: us1-hgxh100-201.compute.internal, host_ip: 10.1.0.201}
      - {name: US1-HGXH100-202, hypervisor_hostname: us1-hgxh100-202.compute.internal, host_ip: 10.1.0.202}
      - {name: US1-HGXH100-203, hypervisor_hostname: us1-hgxh100-203.compute.internal, host_ip: 10.1.0.203,
         status: disabled, disabled_reason: "RMA ticket 4711"}
      - {name: NO1-ESC408-301, hypervisor_hostname: no1-esc408-301.compute.internal, host_ip: 10.2.0.301}
      - {name: NO1-ESC408-302, hypervisor_hostname: no1-esc408-302.compute.internal, host_ip: 10.2.0.302}
    flavors:
      - {id: "101", name: n3-L40x1, vcpus: 16, ram: 65536, disk: 100}
      - {id: "102", name: n3-L40x2, vcpus: 32, ram: 131072, disk: 200}
      - {id: "104", name: n3-L40x4, vcpus: 64, ram: 262144, disk: 400}
      - {id: "108", name: n3-L40x8, vcpus: 128, ram: 524288, disk: 800}
      - {id: "201", name: n3-H100-SXM5x8, vcpus: 192, ram: 1048576, disk: 1600, extra_specs: {"pci_passthrough:alias": "h100sxm:8"}}
      - {id: "202", name: n3-H100-SXM5x8-NVLink, vcpus: 192, ram: 1048576, disk: 1600, extra_specs: {"pci_passthrough:alias": "h100sxm:8"}}
      - {id: "204", name: n3-H100-SXM5x4, vcpus: 96, ram: 524288, disk: 800, extra_specs: {"pci_passthrough:alias": "h100sxm:4"}}
      - {id: "301", name: n3-RTX-A6000x1, vcpus: 8, ram: 49152, disk: 100}
      - {id: "302", name: n3-RTX-A6000x2, vcpus: 16, ram: 98304, disk: 200}
      - {id: "900", name: m1.large, vcpus: 8, ram: 16384, disk: 40}
    servers:
      - {id: 3f1c2b4a-0001-4e5f-8a9b-000000000001, name: train-llm-01, host: CA1-ESC812-101, project_id: 5a1f3c0e9b2d4e6f8a7b6c5d4e3f2a10, flavor: n3-L40x4, created: "2026-10-01T08:00:00Z"}
      - {id: 3f1c2b4a-0001-4e5f-8a9b-000000000002, name: train-llm-02, host: CA1-ESC812-101, project_id: 5a1f3c0e9b2d4e6f8a7b6c5d4e3f2a10, flavor: n3-L40x4, created: "2026-10-01T08:05:00Z"}
      - {id: 3f1c2b4a-0001-4e5f-8a9b-000000000003, name: notebook, host: CA1-ESC812-102, project_id: 7c3f5e2a1d4f6a8b0c9d8e7f6a5b4c32, flavor: n3-L40x1, status: SHUTOFF, created: "2026-10-02T09:00:00Z"}
      - {id: 3f1c2b4a-0001-4e5f-8a9b-000000000004, name: runpod-ca1-esc812-105, host: CA1-ESC812-105, project_id: 5a1f3c0e9b2d4e6f8a7b6c5d4e3f2a10, flavor: n3-L40x8, created: "2026-10-03T10:00:00Z"}
      - {id: 3f1c2b4a-0001-4e5f-8a9b-000000000005, name: customer1-inference, host: CA1-ESC812-106, project_id: 6b2e4d1f0c3e5f7a9b8c7d6e5f4a3b21, flavor: n3-L40x2, created: "2026-10-04T11:00:00Z"}
      - {id: 3f1c2b4a-0001-4e5f-8a9b-000000000006, name: "<b>hello</b>", host: US1-HGXH100-202, project_id: 7c3f5e2a1d4f6a8b0c9d8e7f6a5b4c32, flavor: n3-H100-SXM5x8-NVLink, created: "2026-10-05T12:00:00Z"}
      - {id: 3f1c2b4a-0001-4e5f-8a9b-000000000007, name: archived-run, host: null, status: SHELVED_OFFLOADED, project_id: 5a1f3c0e9b2d4e6f8a7b6c5d4e3f2a10, flavor: n3-H100-SXM5x4, created: "2026-09-01T12:00:00Z"}
      - {id: 3f1c2b4a-0001-4e5f-8a9b-000000000008, name: render, host: NO1-ESC408-301, project_id: 5a1f3c0e9b2d4e6f8a7b6c5d4e3f2a10, flavor: n3-RTX-A6000x2, created: "2026-10-06T13:00:00Z"}
      - {id: 3f1c2b4a-0001-4e5f-8a9b-000000000009, name: ops-bastion, host: CA1-CPU-01, project_id: 5a1f3c0e9b2d4e6f8a7b6c5d4e3f2a10, flavor: m1.large, created: "2026-08-01T07:00:00Z"}
    networks:
      - id: 9d6c1b0e-0000-4a1b-8c2d-000000000001
        name: RunPod-Storage-Canada-1
        project_id: d1c5ab8e4e7a4f5c9d2b3a4c5d6e7f80
        shared: true
        subnets: [{id: 9d6c1b0e-0000-4a1b-8c2d-0000000000a1, cidr: 10.50.0.0/16}]
      - id: 9d6c1b0e-0000-4a1b-8c2d-000000000002
        name: private
        project_id: d1c5ab8e4e7a4f5c9d2b3a4c5d6e7f80
        subnets: [{id: 9d6c1b0e-0000-4a1b-8c2d-0000000000a2, cidr: 192.168.0.0/16}]
    devices:
      - {id: 1, name: CA1-ESC812-101, tags: [NVIDIA L40], tenant: {slug: nexgen-cloud, name: NexGen Cloud}, site: {slug: ca1, name: Canada 1}, rack: CA1-R01}
      - {id: 2, name: CA1-ESC812-102, tags: [nvidia-l40], tenant: {slug: nexgen-cloud, name: NexGen Cloud}, site: {slug: ca1, name: Canada 1}, rack: CA1-R01}
      - {id: 3, name: CA1-ESC812-103, tags: [NVIDIA L40], tenant: {slug: aero-lab, name: "Ærø \\"Lab\\" <GPU>"}, site: {slug: ca1, name: Canada 1}, rack: CA1-R02}
      - {id: 4, name: CA1-ESC812-104, tags: [NVIDIA L40], status: failed, tenant: {slug: nexgen-cloud, name: NexGen Cloud}, site: {slug: ca1, name: Canada 1}, rack: CA1-R02}
      - {id: 5, name: CA1-ESC812-105, tags: [NVIDIA L40], site: {slug: ca1, name: Canada 1}, rack: CA1-R03}
      - {id: 6, name: CA1-ESC812-106, tags: [NVIDIA L40], tenant: {slug: customer1, name: Customer 1}, site: {slug: ca1, name: Canada 1}, rack: CA1-R03}
      - {id: 7, name: CA1-CPU-01, role: {slug: compute, name: Compute}, site: {slug: ca1, name: Canada 1}, rack: CA1-R09}
      - {id: 8, name: US1-HGXH100-201, tags: [NVIDIA H100 80GB SXM5], tenant: {slug: nexgen-cloud, name: NexGen Cloud}, site: {slug: us1, name: US 1}, rack: US1-R01}
      - {id: 9, name: US1-HGXH100-202, tags: [NVIDIA H100 80GB SXM5, NVLink], tenant: {slug: nexgen-cloud, name: NexGen Cloud}, site: {slug: us1, name: US 1}, rack: US1-R01,
         custom_fields: {NVLinks: true}}
      - {id: 10, name: US1-HGXH100-203, tags: [NVIDIA H100 80GB SXM5], tenant: {slug: helix-ai, name: Helix AI}, site: {slug: us1, name: US 1}, rack: US1-R02}
      - {id: 11, name: US1-HGXH100-204, tags: [NVIDIA H100 80GB SXM5], tenant: {slug: nexgen-cloud, name: NexGen Cloud}, site: {slug: us1, name: US 1}, rack: US1-R02}
      - {id: 12, name: NO1-ESC408-301, tags: [NVIDIA RTX A6000], tenant: {slug: nexgen-cloud, name: NexGen Cloud}, site: {slug: no1, name: Norway 1}, rack: NO1-R01,
         custom_fields: {GPU_Count: 4}}
      - {id: 13, name: CA1-CHASSIS-1, status: planned, tags: [UNPOPULATED CHASSIS], site: {slug: ca1, name: Canada 1}}
    hyperstack:
      environments:
        - {id: 1, name: CA1-RunPod, region: CANADA-1}
        - {id: 2, name: US1-RunPod, region: US-1}
        - {id: 3, name: NO1-RunPod, region: NORWAY-1}
      images:
        - {id: 101, name: RunPod Ubuntu 22.04, region: CANADA-1, type: RunPod, version: "22.04"}
        - {id: 102, name: Ubuntu Server 22.04 LTS R535 CUDA 12.2, region: CANADA-1, type: Ubuntu, version: "22.04"}
        - {id: 201, name: RunPod Ubuntu 22.04, region: US-1, type: RunPod, version: "22.04"}
        - {id: 301, name: RunPod Ubuntu 22.04, region: NORWAY-1, type: RunPod, version: "22.04"}
      flavors:
        - {id: 1, name: n3-L40x8, region: CANADA-1, gpu: L40, gpu_count: 8}
        - {id: 2, name: n3-H100-SXM5x8, region: US-1, gpu: H100-SXM5, gpu_count: 8}
        - {id: 3, name: n3-H100-SXM5x8-NVLink, region: US-1, gpu: H100-SXM5, gpu_count: 8}
        - {id: 4, name: n3-RTX-A6000x8, region: NORWAY-1, gpu: RTX-A6000, gpu_count: 8}
      keypairs:
        - {id: 1, name: runpod, environment: CA1-RunPod}
        - {id: 2, name: runpod, environment: US1-RunPod}
        - {id: 3, name: runpod, environment: NO1-RunPod}
      firewalls:
        - {id: 971, name: RunPod-CA1, environment: CA1-RunPod, description: RunPod VMs in CA1, attachments: [5001]}
      vms:
        - {id: 5001, name: runpod-ca1-esc812-105, status: ACTIVE, environment: CA1-RunPod, flavor: n3-L40x8, image: RunPod Ubuntu 22.04,
           key_name: runpod, host: CA1-ESC812-105, nova_server_id: 3f1c2b4a-0001-4e5f-8a9b-000000000004, created_at: "2026-10-03T10:00:00"}
      failing_launches: ["*-fail-*"]
    """
}
