// Generated from hyperstack/NexGenCloud-hyperstack-sdk-go/api/openapi.yaml by extracting each component schema verbatim
// (its lines up to the next schema) and dropping only its `example:` blocks, which are
// generator placeholders. `scripts/refresh-reference-fixtures.py` (`make reference-fixtures`) checks that they
// still match the reference file (hyperstack/NexGenCloud-hyperstack-sdk-go/api/openapi.yaml).
// Line numbers are those of the schema's first line in the reference file.

enum HyperstackSchemaExcerpts {
    static let source = "hyperstack/NexGenCloud-hyperstack-sdk-go/api/openapi.yaml"

    static let excerpts: [(name: String, line: Int, yaml: String)] = [
        ("Images", 16509, #"""
    Images:
      properties:
        images:
          items:
            $ref: '#/components/schemas/Image_Get_Response'
          type: array
        message:
          type: string
        status:
          type: boolean
      type: object
"""#),
        ("Image_Get_Response", 16461, #"""
    Image_Get_Response:
      properties:
        images:
          items:
            $ref: '#/components/schemas/Image_Fields'
          type: array
        logo:
          type: string
        region_name:
          type: string
        type:
          type: string
      type: object
"""#),
        ("Image_Fields", 16415, #"""
    Image_Fields:
      properties:
        description:
          type: string
        display_size:
          type: string
        flavor_restrictions:
          allOf:
          - $ref: '#/components/schemas/FlavorRestrictions'
          description: Flavor compatibility restrictions for this image
          type: object
        id:
          type: integer
        is_public:
          type: boolean
        labels:
          items:
            $ref: '#/components/schemas/LableResonse'
          type: array
        name:
          type: string
        region_name:
          type: string
        size:
          type: integer
        type:
          type: string
        version:
          type: string
      type: object
"""#),
        ("FlavorRestrictions", 15630, #"""
    FlavorRestrictions:
      properties:
        compatible_flavors:
          description: List of compatible flavors with their link metadata
          items:
            $ref: '#/components/schemas/CompatibleFlavor'
          type: array
        has_flavor_restrictions:
          description: Whether the image has any flavor restrictions
          type: boolean
        restriction_type:
          description: "Either 'hard', 'soft', or null if no restrictions"
          type: string
      type: object
"""#),
        ("CompatibleFlavor", 13233, #"""
    CompatibleFlavor:
      properties:
        constraints:
          description: JSON constraints object
          properties: {}
          type: object
        flavor_id:
          type: integer
        flavor_name:
          type: string
        link_type:
          description: Either 'hard' or 'soft'
          type: string
        reason:
          type: string
      type: object
"""#),
        ("LableResonse", 17475, #"""
    LableResonse:
      properties:
        id:
          type: integer
        label:
          type: string
      type: object
"""#),
        ("CreateInstancesResponse", 14110, #"""
    CreateInstancesResponse:
      properties:
        instances:
          items:
            $ref: '#/components/schemas/Instance_Fields'
          type: array
        message:
          type: string
        status:
          type: boolean
      type: object
"""#),
        ("Instance", 16679, #"""
    Instance:
      properties:
        instance:
          $ref: '#/components/schemas/Instance_Fields'
        message:
          type: string
        status:
          type: boolean
      type: object
"""#),
        ("Instances", 17104, #"""
    Instances:
      properties:
        count:
          type: integer
        instances:
          items:
            $ref: '#/components/schemas/Instance_Fields'
          type: array
        message:
          type: string
        page:
          type: integer
        page_size:
          type: integer
        status:
          type: boolean
      type: object
"""#),
        ("Instance_Fields", 16879, #"""
    Instance_Fields:
      properties:
        callback_url:
          type: string
        contract_id:
          type: integer
        created_at:
          format: date-time
          type: string
        environment:
          $ref: '#/components/schemas/Instance_Environment_Fields'
        features:
          properties: {}
          type: object
        fixed_ip:
          type: string
        flavor:
          $ref: '#/components/schemas/Instance_Flavor_Fields'
        floating_ip:
          type: string
        floating_ip_status:
          type: string
        id:
          type: integer
        image:
          $ref: '#/components/schemas/Instance_Image_Fields'
        keypair:
          $ref: '#/components/schemas/Instance_Keypair_Fields'
        labels:
          items:
            type: string
          type: array
        locked:
          type: boolean
        name:
          type: string
        os:
          type: string
        port_randomization:
          type: boolean
        port_randomization_status:
          type: string
        power_state:
          type: string
        requires_public_ip:
          type: boolean
        security_rules:
          items:
            $ref: '#/components/schemas/Security_Rules_Fields_for_Instance'
          type: array
        status:
          type: string
        vm_state:
          type: string
        volume_attachments:
          items:
            $ref: '#/components/schemas/Volume_Attachment_Fields'
          type: array
      type: object
"""#),
        ("Instance_Environment_Fields", 16858, #"""
    Instance_Environment_Fields:
      properties:
        features:
          $ref: '#/components/schemas/Environment_Features'
        id:
          type: integer
        name:
          type: string
        org_id:
          type: integer
        region:
          type: string
      type: object
"""#),
        ("Environment_Features", 15128, #"""
    Environment_Features:
      properties:
        green_status:
          enum:
          - GREEN
          - PARTIALLY_GREEN
          - NOT_GREEN
          type: string
        network_optimised:
          type: boolean
      type: object
"""#),
        ("Instance_Flavor_Fields", 17030, #"""
    Instance_Flavor_Fields:
      properties:
        cpu:
          type: integer
        disk:
          type: integer
        ephemeral:
          type: integer
        features:
          properties: {}
          type: object
        gpu:
          type: string
        gpu_count:
          type: integer
        id:
          type: integer
        labels:
          items:
            $ref: '#/components/schemas/FlavorLabelFields'
          type: array
        name:
          type: string
        ram:
          type: number
      type: object
"""#),
        ("FlavorLabelFields", 15618, #"""
    FlavorLabelFields:
      properties:
        id:
          description: ""
          type: integer
        label:
          description: ""
          type: string
      type: object
"""#),
        ("Instance_Image_Fields", 17071, #"""
    Instance_Image_Fields:
      properties:
        name:
          type: string
      type: object
"""#),
        ("Instance_Keypair_Fields", 17078, #"""
    Instance_Keypair_Fields:
      properties:
        name:
          type: string
      type: object
"""#),
        ("Security_Rules_Fields_for_Instance", 20203, #"""
    Security_Rules_Fields_for_Instance:
      properties:
        created_at:
          format: date-time
          type: string
        direction:
          type: string
        ethertype:
          type: string
        id:
          type: integer
        port_range_max:
          type: integer
        port_range_min:
          type: integer
        protocol:
          type: string
        remote_ip_prefix:
          type: string
        status:
          type: string
      type: object
"""#),
        ("FirewallDetailResponse", 15305, #"""
    FirewallDetailResponse:
      properties:
        firewall:
          $ref: '#/components/schemas/FirewallDetailFields'
        message:
          type: string
        status:
          type: boolean
      type: object
"""#),
        ("FirewallDetailFields", 15231, #"""
    FirewallDetailFields:
      properties:
        attachments:
          items:
            $ref: '#/components/schemas/Firewall_Attachment_Model'
          type: array
        created_at:
          format: date-time
          type: string
        description:
          type: string
        environment:
          $ref: '#/components/schemas/FirewallEnvironmentFields'
        id:
          type: integer
        name:
          type: string
        rules:
          items:
            $ref: '#/components/schemas/SecurityGroupRuleFields'
          type: array
        status:
          type: string
      type: object
"""#),
        ("FirewallEnvironmentFields", 15367, #"""
    FirewallEnvironmentFields:
      properties:
        id:
          type: integer
        name:
          type: string
        region:
          type: string
      type: object
"""#),
        ("Firewall_Attachment_Model", 15428, #"""
    Firewall_Attachment_Model:
      properties:
        created_at:
          format: date-time
          type: string
        id:
          type: integer
        status:
          type: string
        vm:
          $ref: '#/components/schemas/Firewall_Attachment_VM_Model'
      type: object
"""#),
        ("Firewall_Attachment_VM_Model", 15451, #"""
    Firewall_Attachment_VM_Model:
      properties:
        created_at:
          format: date-time
          type: string
        environment:
          type: string
        flavor:
          type: string
        id:
          type: integer
        name:
          type: string
        status:
          type: string
      type: object
"""#),
        ("SecurityGroupRuleFields", 20117, #"""
    SecurityGroupRuleFields:
      properties:
        created_at:
          format: date-time
          type: string
        direction:
          type: string
        ethertype:
          type: string
        id:
          type: integer
        port_range_max:
          type: integer
        port_range_min:
          type: integer
        protocol:
          type: string
        remote_ip_prefix:
          type: string
        status:
          type: string
      type: object
"""#),
        ("FirewallsListResponse", 15496, #"""
    FirewallsListResponse:
      properties:
        count:
          type: integer
        firewalls:
          items:
            $ref: '#/components/schemas/FirewallDetailFields'
          type: array
        message:
          type: string
        page:
          type: integer
        page_size:
          type: integer
        status:
          type: boolean
      type: object
"""#),
        ("FirewallFields", 15380, #"""
    FirewallFields:
      properties:
        created_at:
          format: date-time
          type: string
        description:
          type: string
        environment:
          $ref: '#/components/schemas/FirewallEnvironmentFields'
        id:
          type: integer
        name:
          type: string
        status:
          type: string
      type: object
"""#),
        ("ErrorResponseModel", 15217, #"""
    ErrorResponseModel:
      properties:
        error_reason:
          type: string
        message:
          type: string
        status:
          default: false
          type: boolean
      type: object
"""#),
        ("ResponseModel", 20071, #"""
    ResponseModel:
      properties:
        message:
          type: string
        status:
          type: boolean
      type: object
"""#),
        ("Flavor_List_Response", 15749, #"""
    Flavor_List_Response:
      properties:
        data:
          items:
            $ref: '#/components/schemas/Flavor_Item_Get_Response'
          type: array
        message:
          type: string
        status:
          type: boolean
      type: object
"""#),
        ("Flavor_Item_Get_Response", 15698, #"""
    Flavor_Item_Get_Response:
      properties:
        flavors:
          items:
            $ref: '#/components/schemas/Flavor_Fields'
          type: array
        gpu:
          type: string
        region_name:
          type: string
      type: object
"""#),
        ("Flavor_Fields", 15644, #"""
    Flavor_Fields:
      properties:
        cpu:
          type: integer
        created_at:
          format: date-time
          type: string
        disk:
          type: integer
        display_name:
          type: string
        ephemeral:
          type: integer
        features:
          properties: {}
          type: object
        gpu:
          type: string
        gpu_count:
          type: integer
        id:
          type: integer
        labels:
          items:
            $ref: '#/components/schemas/LableResonse'
          type: array
        name:
          type: string
        ram:
          type: number
        region_name:
          type: string
        stock_available:
          type: boolean
      type: object
"""#),
        ("Environments", 15179, #"""
    Environments:
      properties:
        count:
          type: integer
        environments:
          items:
            $ref: '#/components/schemas/Environment_Fields'
          type: array
        message:
          type: string
        page:
          type: integer
        page_size:
          type: integer
        status:
          type: boolean
      type: object
"""#),
        ("Environment", 15108, #"""
    Environment:
      properties:
        environment:
          $ref: '#/components/schemas/Environment_Fields'
        message:
          type: string
        status:
          type: boolean
      type: object
"""#),
        ("Environment_Fields", 15143, #"""
    Environment_Fields:
      properties:
        created_at:
          format: date-time
          type: string
        features:
          $ref: '#/components/schemas/Environment_Features'
        id:
          type: integer
        name:
          type: string
        region:
          type: string
      type: object
"""#),
        ("Keypairs", 17425, #"""
    Keypairs:
      properties:
        count:
          type: integer
        keypairs:
          items:
            $ref: '#/components/schemas/Keypair_Fields'
          type: array
        message:
          type: string
        page:
          type: integer
        page_size:
          type: integer
        status:
          type: boolean
      type: object
"""#),
        ("Keypair_Fields", 17395, #"""
    Keypair_Fields:
      properties:
        created_at:
          format: date-time
          type: string
        environment:
          $ref: '#/components/schemas/Keypair_Environment_Fields'
        fingerprint:
          type: string
        id:
          type: integer
        name:
          type: string
        public_key:
          type: string
      type: object
"""#),
        ("Keypair_Environment_Fields", 17373, #"""
    Keypair_Environment_Fields:
      properties:
        created_at:
          format: date-time
          type: string
        features:
          $ref: '#/components/schemas/Keypair_Environment_Features'
        id:
          type: integer
        name:
          type: string
        region:
          type: string
      type: object
"""#),
        ("Keypair_Environment_Features", 17358, #"""
    Keypair_Environment_Features:
      properties:
        green_status:
          enum:
          - GREEN
          - PARTIALLY_GREEN
          - NOT_GREEN
          type: string
        network_optimised:
          type: boolean
      type: object
"""#),
        ("Create_Instances_Payload", 14566, #"""
    Create_Instances_Payload:
      properties:
        assign_floating_ip:
          description: "When this field is set to `true`, it attaches a [public IP\
            \ address](https://docs.hyperstack.cloud/docs/api-reference/core-resources/virtual-machines/floating-ip/)\
            \ to the virtual machine, enabling internet accessibility."
          type: boolean
        callback_url:
          description: "An optional URL where actions performed on the virtual machine\
            \ will be sent. For additional information on event callbacks, [**click\
            \ here**](https://docs.hyperstack.cloud/docs/api-reference/core-resources/virtual-machines/callbacks-vms/)."
          maxLength: 250
          type: string
        count:
          description: The number of virtual machines to be created.
          type: integer
        create_bootable_volume:
          description: "Indicates whether to create a bootable volume for the virtual\
            \ machine. When set to `true`, a bootable volume will be created; the\
            \ default value is `false`."
          type: boolean
        enable_port_randomization:
          default: true
          description: Indicates whether to enable port randomization.This setting
            is only effective if 'assign_floating_ip' is true. Defaults to true.
          type: boolean
        environment_name:
          description: "The name of the [environment](https://docs.hyperstack.cloud/docs/api-reference/core-resources/environments/)\
            \ in which the virtual machine is to be created."
          type: string
        flavor:
          $ref: '#/components/schemas/Flavor_Object_Fields'
        flavor_name:
          description: "The name of the GPU hardware configuration ([flavor](https://docs.hyperstack.cloud/docs/hardware/flavors))\
            \ for the virtual machines being created."
          type: string
        image_name:
          description: "The [operating system (OS) image](https://docs.hyperstack.cloud/docs/virtual-machines/images)\
            \ name designated for installation on the virtual machine.It also accepts\
            \ custom, private images, created from [existing snapshots](https://docs.hyperstack.cloud/docs/virtual-machines/custom-images)."
          type: string
        key_name:
          description: "The name of the existing SSH key pair to be used for secure\
            \ access to the virtual machine. For additional information on SSH key\
            \ pairs, [**click here**](https://docs.hyperstack.cloud/docs/api-reference/core-resources/keypairs/)."
          type: string
        labels:
          items:
            type: string
          type: array
        name:
          description: The name of the virtual machine being created.
          maxLength: 50
          type: string
        profile:
          $ref: '#/components/schemas/Profile_Object_Fields'
        security_rules:
          items:
            $ref: '#/components/schemas/Create_Security_Rule_Payload'
          type: array
        user_data:
          description: "Optional initialization configuration commands to manage the\
            \ configuration of a virtual machine at launch using cloud-init scripts.\
            \ For more information about custom VM configuration using cloud-init,\
            \ [**click here**](https://docs.hyperstack.cloud/docs/virtual-machines/initialization-configuration)."
          type: string
        volume_name:
          description: The names of the volume(s) to be attached to the virtual machine
            being created.
          type: string
      required:
      - count
      - environment_name
      - flavor_name
      - key_name
      - name
      type: object
"""#),
        ("AttachFirewallWithVM", 11631, #"""
    AttachFirewallWithVM:
      properties:
        vms:
          items:
            type: integer
          type: array
      required:
      - vms
      type: object
"""#),
    ]
}
