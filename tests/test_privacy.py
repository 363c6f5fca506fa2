from petition.privacy import mask_address, mask_id_number, mask_name, mask_phone


def test_masks_match_the_office_forms():
    assert mask_name("张三丰") == "张*丰"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧**娜"
    assert mask_id_number("370102198001011234") == "3701**********1234"
    assert mask_phone("13856785678") == "138****5678"
    assert mask_name(None) == mask_phone("") == mask_id_number(None) == ""


def test_addresses_keep_only_the_province_city_and_district():
    assert mask_address("山东省济南市历下区泉城路1号") == "山东省济南市********"
    assert mask_address("泉城路") == "泉**"
    assert mask_address(None) == ""
